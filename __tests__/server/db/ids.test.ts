/** Time-ordered ids for bulk-written rows. */
import { newId, newSortableId } from '../../../server/db/ids'

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('newSortableId', () => {
  it('is a version-7 UUID whose first 48 bits are the Unix milliseconds', () => {
    const at = Date.now() + 10_000_000 // later than any id made before in this file
    const id = newSortableId(at)
    expect(id).toMatch(UUID_V7)
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at)
  })

  it('keeps increasing within one millisecond, past its 12-bit counter, and when the clock steps back', () => {
    const start = Date.now() + 20_000_000
    const ids: string[] = []
    for (let i = 0; i < 10_000; i++) ids.push(newSortableId(start)) // 10 000 > 4 096 counter values
    for (let i = 0; i < 100; i++) ids.push(newSortableId(start - 60_000)) // clock moved back a minute
    ids.push(newSortableId(start + 1))
    for (let i = 1; i < ids.length; i++) expect(ids[i] > ids[i - 1]).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.every((id) => UUID_V7.test(id))).toBe(true)
  })

  it('differs in its random tail between two ids of the same millisecond', () => {
    const at = Date.now() + 30_000_000
    const [a, b] = [newSortableId(at), newSortableId(at)]
    expect(a.slice(19)).not.toBe(b.slice(19))
  })

  it('is not what clients get: newId stays fully random (version 4)', () => {
    expect(newId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })
})
