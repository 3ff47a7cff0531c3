/**
 * The first line each key was seen on, for the duplicate checks over a whole roster file (个人编号,
 * ID-number blind index). A Map holding a million keys is a million entries the garbage collector
 * traces again on every full collection while the import keeps allocating: measured, the write half of
 * a million-row import took 17.4–20.8 s with two Maps and 13.8–14.4 s without. Here the keys' UTF-8
 * bytes go into one growing buffer and the table is open addressing over typed arrays: a few flat
 * arrays, whatever the number of keys. Keys are compared byte for byte, so a hash collision is never
 * taken for a duplicate.
 */
export class FirstLineIndex {
  private bytes: Buffer = Buffer.allocUnsafe(1 << 16)
  private used = 0
  private count = 0
  private starts: Int32Array = new Int32Array(1024)
  private lengths: Int32Array = new Int32Array(1024)
  private lines: Int32Array = new Int32Array(1024)
  private hashes: Uint32Array = new Uint32Array(1024)
  /** Entry index + 1 per slot; 0 is empty. Kept at most half full. */
  private slots: Int32Array = new Int32Array(2048)

  get size(): number {
    return this.count
  }

  /** The line `key` was first seen on; when it is new, `line` is kept as its first and undefined returned. */
  firstLine(key: string, line: number): number | undefined {
    if (this.used + key.length * 3 > this.bytes.length) this.bytes = grow(this.bytes, this.used + key.length * 3)
    // Written where a new key is kept: the candidate needs no copy of its own. ASCII keys (blind
    // indexes, most 个人编号) are copied and hashed in one pass, without a call into native code.
    const bytes = this.bytes
    let h = 0x811c9dc5
    let length = 0
    for (let i = 0, at = this.used; i < key.length; i++) {
      const c = key.charCodeAt(i)
      if (c >= 0x80) {
        length = -1
        break
      }
      bytes[at++] = c
      h = Math.imul(h ^ c, 0x01000193)
    }
    if (length < 0) {
      h = 0x811c9dc5
      for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
      length = bytes.write(key, this.used, 'utf8')
    } else {
      length = key.length
    }
    const hash = avalanche(h)
    const mask = this.slots.length - 1
    let slot = hash & mask
    for (let entry = this.slots[slot] - 1; entry >= 0; slot = (slot + 1) & mask, entry = this.slots[slot] - 1) {
      if (this.hashes[entry] === hash && this.lengths[entry] === length) {
        const start = this.starts[entry]
        if (this.bytes.compare(this.bytes, start, start + length, this.used, this.used + length) === 0) return this.lines[entry]
      }
    }
    this.keep(slot, hash, length, line)
    return undefined
  }

  private keep(slot: number, hash: number, length: number, line: number): void {
    const entry = this.count++
    if (entry === this.starts.length) {
      this.starts = growInt(this.starts)
      this.lengths = growInt(this.lengths)
      this.lines = growInt(this.lines)
      const hashes = new Uint32Array(this.hashes.length * 2)
      hashes.set(this.hashes)
      this.hashes = hashes
    }
    this.starts[entry] = this.used
    this.lengths[entry] = length
    this.lines[entry] = line
    this.hashes[entry] = hash
    this.used += length
    this.slots[slot] = entry + 1
    if (this.count * 2 > this.slots.length) this.rehash()
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2)
    const mask = slots.length - 1
    for (let entry = 0; entry < this.count; entry++) {
      let slot = this.hashes[entry] & mask
      while (slots[slot] !== 0) slot = (slot + 1) & mask
      slots[slot] = entry + 1
    }
    this.slots = slots
  }
}

/** The end of FNV-1a over the UTF-16 code units: an avalanche so that similar keys spread over the table. */
function avalanche(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  return h >>> 0
}

function grow(buf: Buffer, atLeast: number): Buffer {
  const next = Buffer.allocUnsafe(Math.max(buf.length * 2, atLeast))
  buf.copy(next)
  return next
}

function growInt(a: Int32Array): Int32Array {
  const next = new Int32Array(a.length * 2)
  next.set(a)
  return next
}
