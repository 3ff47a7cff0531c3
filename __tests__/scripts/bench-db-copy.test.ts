/**
 * npm run bench:db-copy keeps running: a small run (its own throw-away PostgreSQL) copies every
 * generated row and prints the baseline, the copy and their ratio. No timing is asserted: speed lives
 * in the bench's ratio (docs/db-copy.md).
 */
import { runBench } from './run-bench'

it('bench:db-copy on 3,000 persons and 900 accounts copies all 6,600 rows and prints the ratio', () => {
  const out = runBench('db-copy.ts', ['--persons', '3000', '--accounts', '900'])
  // persons + accounts + bindings and relatives (one per account) + records + audit rows
  expect(out).toMatch(/generated 3,000 persons, 900 accounts .*\(6,600 rows\)/)
  expect(out).toMatch(/baseline: +every row of the file read once: 6,600 rows in [\d.]+ s/)
  expect(out).toMatch(/copy: +6,600 rows in \d+ tables in [\d.]+ s → [\d,]+ rows\/s/)
  expect(out).toMatch(/ratio: +copy \/ baseline = [\d.]+×/)
}, 150_000)
