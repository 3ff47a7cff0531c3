/**
 * The last `capacity` (time, value) samples, newest first by index. Fixed typed arrays: no allocation
 * per push (detectors run on every camera frame).
 */
export class TimedRing {
  private readonly times: Float64Array
  private readonly values: Float64Array
  private head = 0
  /** Samples kept (at most capacity). */
  size = 0

  constructor(private readonly capacity: number) {
    this.times = new Float64Array(capacity)
    this.values = new Float64Array(capacity)
  }

  push(t: number, v: number): void {
    this.times[this.head] = t
    this.values[this.head] = v
    this.head = (this.head + 1) % this.capacity
    if (this.size < this.capacity) this.size++
  }

  clear(): void {
    this.size = 0
  }

  /** Time of the sample k back from the newest (0 = newest, k < size). */
  timeAt(k: number): number {
    return this.times[this.slot(k)]
  }

  valueAt(k: number): number {
    return this.values[this.slot(k)]
  }

  private slot(k: number): number {
    return (this.head - 1 - k + 2 * this.capacity) % this.capacity
  }
}
