/** boundedMemo: a function remembered per argument, within a bound. */
import { boundedMemo } from '../../../server/support/bounded-memo'

test('each argument is computed once, an undefined answer included, and the answers stay right past the bound', () => {
  const calls: string[] = []
  const f = boundedMemo((k: string) => (calls.push(k), k === 'none' ? undefined : k.toUpperCase()), 3)
  expect([f('a'), f('a'), f('none'), f('none')]).toEqual(['A', 'A', undefined, undefined])
  expect(calls).toEqual(['a', 'none'])
  for (const k of ['b', 'c', 'd', 'e']) expect(f(k)).toBe(k.toUpperCase())
  expect(f('a')).toBe('A')
  expect(calls.length).toBeLessThanOrEqual(2 + 4 + 1)
})
