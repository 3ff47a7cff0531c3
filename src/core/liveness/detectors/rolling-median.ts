/**
 * Median of the values pushed during the last `windowMs` milliseconds (at most `capacity` values).
 * Fixed-size typed arrays: no allocation per push. In the steady state one value leaves the window as
 * one arrives; the arriving value then takes the leaving one's place in the sorted copy and only the
 * values ranked between the two move, instead of shifting half the window out and half of it back in.
 * They move as one block once the new place is found by bisection: a head turn carries the pose
 * medians' new values across most of their window, and stepping them one at a time was a third of the
 * time the backend takes to replay a submitted summary.
 */
export class RollingMedian {
  private readonly times: Float64Array
  private readonly values: Float64Array
  /** The same values kept sorted. */
  private readonly sorted: Float64Array
  private head = 0 // index of the oldest entry in the ring
  private size = 0

  constructor(
    private readonly windowMs: number,
    private readonly capacity = 128,
  ) {
    this.times = new Float64Array(capacity)
    this.values = new Float64Array(capacity)
    this.sorted = new Float64Array(capacity)
  }

  get count(): number {
    return this.size
  }

  /** Time span covered by the kept values (0 when fewer than two). */
  get spanMs(): number {
    if (this.size < 2) return 0
    const newest = this.times[(this.head + this.size - 1) % this.capacity]
    return newest - this.times[this.head]
  }

  reset(): void {
    this.head = 0
    this.size = 0
  }

  push(t: number, v: number): void {
    if (!Number.isFinite(v)) return
    const cap = this.capacity
    // How many of the oldest values leave: the expired ones, or the oldest of a full ring.
    const cutoff = t - this.windowMs
    let leaving = 0
    for (let at = this.head; leaving < this.size && this.times[at] < cutoff; at = at + 1 === cap ? 0 : at + 1) leaving++
    if (leaving === 0 && this.size === cap) leaving = 1
    if (leaving === 0) {
      // a free place at the end of sorted (size entries), v moves down into order from there
      this.settle(this.size, v, this.size + 1)
    } else {
      for (let k = 1; k < leaving; k++) this.dropOldest()
      const old = this.values[this.head]
      this.head = this.head + 1 === cap ? 0 : this.head + 1
      this.size--
      // one copy of old among the size + 1 sorted values becomes v
      this.settle(this.indexInSorted(old, this.size + 1), v, this.size + 1)
    }
    let at = this.head + this.size
    if (at >= cap) at -= cap
    this.times[at] = t
    this.values[at] = v
    this.size++
  }

  /** Median of the kept values, NaN when empty. */
  median(): number {
    const n = this.size
    if (n === 0) return NaN
    const mid = n >> 1
    return n % 2 === 1 ? this.sorted[mid] : (this.sorted[mid - 1] + this.sorted[mid]) / 2
  }

  private dropOldest(): void {
    const v = this.values[this.head]
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1
    this.size--
    // remove one copy of v from sorted (which still has size + 1 entries)
    const i = this.indexInSorted(v, this.size + 1)
    this.sorted.copyWithin(i, i + 1, this.size + 1)
  }

  /**
   * Writes v at place i of the first n sorted values, whose value there is being replaced: the values
   * between i and v's place in order move one step towards i (the same order an insertion sort gives,
   * copies of equal values included).
   */
  private settle(i: number, v: number, n: number): void {
    const sorted = this.sorted
    if (i + 1 < n && sorted[i + 1] < v) {
      const at = this.firstNotBelow(v, i + 1, n)
      sorted.copyWithin(i, i + 1, at)
      sorted[at - 1] = v
    } else if (i > 0 && sorted[i - 1] > v) {
      const at = this.firstAbove(v, 0, i)
      sorted.copyWithin(at + 1, at, i)
      sorted[at] = v
    } else sorted[i] = v
  }

  /** First index in [lo, hi) whose value is >= v (hi when none). */
  private firstNotBelow(v: number, lo: number, hi: number): number {
    while (lo < hi) {
      const m = (lo + hi) >> 1
      if (this.sorted[m] < v) lo = m + 1
      else hi = m
    }
    return lo
  }

  /** First index in [lo, hi) whose value is > v (hi when none). */
  private firstAbove(v: number, lo: number, hi: number): number {
    while (lo < hi) {
      const m = (lo + hi) >> 1
      if (this.sorted[m] > v) hi = m
      else lo = m + 1
    }
    return lo
  }

  /** Index of the first copy of v among the first n sorted values (v is there). */
  private indexInSorted(v: number, n: number): number {
    return this.firstNotBelow(v, 0, n)
  }
}
