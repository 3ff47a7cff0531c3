/**
 * npm run bench:agency keeps running: a small SQLite run prints every line of the table, and the
 * bench's own checks (each measured operation read as many rows as its plain-scan baseline) pass.
 * No timing is asserted: speed lives in the bench's ratios (docs/bench-agency.md).
 */
import { runBench } from './run-bench'

it('bench:agency on 3,000 persons prints the table for SQLite', () => {
  const out = runBench('agency.ts', ['--persons', '3000', '--store', 'sqlite'])
  const lines = out.split('\n').filter((l) => l.startsWith('| SQLite |'))
  expect(lines.map((l) => l.split('|')[2].trim())).toEqual([
    'overdue list, first page (50 rows)',
    'overdue list, every page (1,000 a page)',
    'overdue XLSX export (read, decrypt, XLSX, seal, store)',
    '— of which XLSX writing alone (same cells in memory)',
    'results export (read, decrypt, CSV ×2 + XLSX, seal, store)',
    'overview trend (overdue at 6 month starts)',
  ])
  // Every line carries a ratio to its baseline.
  for (const l of lines) expect(l).toMatch(/\| [\d.]+× \|$/)
}, 150_000)
