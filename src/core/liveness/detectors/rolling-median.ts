/**
 * Median of the values pushed during the last `windowMs` milliseconds (at most `capacity` values).
 * Fixed-size typed arrays: no allocation per push. O(capacity) per push, fine for ~100 values.
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

  /** Drop values older than `t - windowMs`. */
  expire(t: number): void {
    while (this.size > 0 && this.times[this.head] < t - this.windowMs) this.dropOldest()
  }

  push(t: number, v: number): void {
    if (!Number.isFinite(v)) return
    this.expire(t)
    if (this.size === this.capacity) this.dropOldest()
    const at = (this.head + this.size) % this.capacity
    this.times[at] = t
    this.values[at] = v
    // insert into sorted
    let i = this.size
    while (i > 0 && this.sorted[i - 1] > v) {
      this.sorted[i] = this.sorted[i - 1]
      i--
    }
    this.sorted[i] = v
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
    // remove one copy of v from sorted (binary search for its position)
    let lo = 0
    let hi = this.size // sorted currently has size+1 entries
    while (lo < hi) {
      const m = (lo + hi) >> 1
      if (this.sorted[m] < v) lo = m + 1
      else hi = m
    }
    for (let i = lo; i < this.size; i++) this.sorted[i] = this.sorted[i + 1]
  }
}
