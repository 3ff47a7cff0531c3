/** Loads the demo roster (fictional people) when DEMO_SEED is on and the roster is empty. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CyclePolicy } from '../../src/core/cycle'
import type { PiiCipher } from '../crypto/pii'
import { countPersons } from '../repositories/persons'
import type { Db } from '../repositories/types'
import { decodeRoster } from '../roster/decode'
import { importRoster, type ImportSummary } from '../roster/import'
import { parseRosterCsv } from '../roster/parse'
import { shanghaiDate } from '../time/clock'

export const DEMO_ROSTER_PATH = join(__dirname, 'roster.csv')

export async function seedDemoRoster(db: Db, pii: PiiCipher, now: Date, cyclePolicy: CyclePolicy): Promise<ImportSummary | undefined> {
  if ((await countPersons(db)) > 0) return undefined
  const parsed = parseRosterCsv(decodeRoster(readFileSync(DEMO_ROSTER_PATH)).text)
  if (parsed.fatal.length > 0) throw new Error('demo roster is malformed')
  const summary = await importRoster(db, parsed.rows, { pii, today: shanghaiDate(now), now: now.toISOString(), cyclePolicy, actor: 'demo-seed' })
  if (!summary.committed) throw new Error(`demo roster refused: ${summary.errors.map((e) => `${e.line}/${e.column}`).join(', ')}`)
  return summary
}
