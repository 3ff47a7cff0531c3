/**
 * Median of the values pushed during the last `windowMs` milliseconds (at most `capacity` values).
 * Fixed-size typed arrays: no allocation per push. In the steady state one value leaves the window as
 * one arrives; the arriving value then takes the leaving one's place in the sorted copy and only the
 * values ranked between the two move (a face's features change little from frame to frame, so usually
 * few), instead of shifting half the window out and half of it back in. The backend replays every
 * submitted summary through the detectors, and this was a quarter of that replay's time.
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
    // How many of the oldest values leave: the expired ones, or the oldest of a full ring.
    const cutoff = t - this.windowMs
    let leaving = 0
    while (leaving < this.size && this.times[(this.head + leaving) % this.capacity] < cutoff) leaving++
    if (leaving === 0 && this.size === this.capacity) leaving = 1
    if (leaving === 0) {
      // a free place at the end of sorted (size entries), v moves down into order from there
      this.settle(this.size, v, this.size + 1)
    } else {
      for (let k = 1; k < leaving; k++) this.dropOldest()
      const old = this.values[this.head]
      this.head = (this.head + 1) % this.capacity
      this.size--
      // one copy of old among the size + 1 sorted values becomes v
      this.settle(this.indexInSorted(old, this.size + 1), v, this.size + 1)
    }
    const at = (this.head + this.size) % this.capacity
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
    this.head = (this.head + 1) % this.capacity
    this.size--
    // remove one copy of v from sorted (which still has size + 1 entries)
    for (let i = this.indexInSorted(v, this.size + 1); i < this.size; i++) this.sorted[i] = this.sorted[i + 1]
  }

  /**
   * Writes v at place i of the first n sorted values, whose value there is being replaced: the values
   * between i and v's place in order move one step towards i.
   */
  private settle(i: number, v: number, n: number): void {
    while (i + 1 < n && this.sorted[i + 1] < v) {
      this.sorted[i] = this.sorted[i + 1]
      i++
    }
    while (i > 0 && this.sorted[i - 1] > v) {
      this.sorted[i] = this.sorted[i - 1]
      i--
    }
    this.sorted[i] = v
  }

  /** Index of the first copy of v among the first n sorted values (binary search; v is there). */
  private indexInSorted(v: number, n: number): number {
    let lo = 0
    let hi = n - 1
    while (lo < hi) {
      const m = (lo + hi) >> 1
      if (this.sorted[m] < v) lo = m + 1
      else hi = m
    }
    return lo
  }
}
