/**
 * Bench data, loaded the way bench:reminders loads it: direct bulk inserts, a handful of
 * pre-encrypted names reused (the console decrypts every exported row for real, so the cost of
 * opening each row is measured; only the sealing at load time is saved), deterministic numbers.
 *
 * Persons: 90% in 长沙 1101xx over ten sub-regions (the bench user's region '1101'), 10% in 4301xx
 * (another region: never in the user's files). Last pass spread over the 13 months before the bench
 * day, 3% never certified, 2% suspended on the roster — about one in ten overdue.
 * Records: the month's certifications for the results export, created over the 30 days before.
 */
import { addDays } from '../../../src/core/reminders/policy'
import type { PiiCipher } from '../../../server/crypto/pii'
import { rng } from '../support/rng'
import type { BenchDb, Cell } from './stores'

const PERSON_COLUMNS = ['id', 'person_no', 'pii_enc', 'name_masked', 'id_number_hash', 'id_number_masked', 'insurance_type', 'employer', 'benefit_status', 'suspended_since', 'last_certified_on', 'roster_certified_on', 'region_code', 'enrolled_on', 'key_version', 'created_at', 'updated_at']
const RECORD_COLUMNS = ['id', 'person_id', 'certified_at', 'result', 'method', 'channel', 'performed_by', 'performer_account_id', 'created_at', 'performer_relation', 'via']

export function regionOf(i: number): string {
  return i % 10 === 9 ? `4301${String(1 + (i % 7)).padStart(2, '0')}` : `1101${String(1 + (i % 10)).padStart(2, '0')}`
}

export async function loadPersons(db: BenchDb, cipher: PiiCipher, persons: number, benchDay: string): Promise<void> {
  const sealed = Array.from({ length: 64 }, (_, i) =>
    cipher.sealPerson({ name: `测试${'甲乙丙丁戊己庚辛'[i % 8]}${'子丑寅卯辰巳午未'[Math.floor(i / 8) % 8]}`, idNumber: `11010119500101${String(1000 + i).slice(-4)}`, cardNumber: `C${String(i).padStart(9, '0')}` }),
  )
  const now = new Date().toISOString()
  const rand = rng(42)
  const startDay = addDays(benchDay, -395)
  const types = ['enterprise', 'institution', 'resident']
  function* rows(): Generator<Cell[]> {
    for (let i = 0; i < persons; i++) {
      const never = rand() < 0.03
      const day = addDays(startDay, Math.floor(rand() * 395))
      const suspended = rand() < 0.02
      yield [
        `p${i}`,
        `N${String(i).padStart(8, '0')}`,
        sealed[i % 64],
        '测*甲',
        `ih${i}`,
        '1101**********0000',
        types[i % 3],
        '',
        suspended ? 'suspended' : 'normal',
        suspended ? addDays(benchDay, -40) : null,
        never ? null : day,
        never ? null : day,
        regionOf(i),
        never ? day : '2020-01-01',
        cipher.currentVersion,
        now,
        now,
      ]
    }
  }
  await db.insertRows('persons', PERSON_COLUMNS, rows())
}

/** `records` certifications created over the 30 days before `nowIso` (5% still waiting for review). */
export async function loadRecords(db: BenchDb, persons: number, records: number, nowIso: string): Promise<void> {
  const rand = rng(7)
  const end = Date.parse(nowIso) - 60_000
  function* rows(): Generator<Cell[]> {
    for (let i = 0; i < records; i++) {
      const at = new Date(end - Math.floor(rand() * 30 * 86_400_000)).toISOString()
      const pending = rand() < 0.05
      yield [`r${String(i).padStart(8, '0')}`, `p${Math.floor(rand() * persons)}`, at, pending ? 'pending_review' : 'passed', 'face', 'weapp', 'self', null, at, null, null]
    }
  }
  await db.insertRows('certification_records', RECORD_COLUMNS, rows())
}
