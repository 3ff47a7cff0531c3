/**
 * Imports roster rows in ONE transaction. Every row is checked first (cells, duplicates inside the
 * file, an ID number already registered under another 个人编号). If any row is refused and
 * skipInvalid is false, nothing is written. Re-import updates by 个人编号; 上次认证日期 keeps one
 * import record per person (channel import, method legacy).
 */
import { nextCycle, type CyclePolicy } from '../../src/core/cycle'
import { maskIdNumber, maskName } from '../../src/core/mask'
import { sql, type Insertable } from 'kysely'
import type { PiiCipher } from '../crypto/pii'
import type { CertificationRecordsTable, PersonsTable } from '../db/schema'
import { newId } from '../db/ids'
import { appendAudit } from '../repositories/audit'
import { listAllPersons, updatePerson } from '../repositories/persons'
import { findImportRecord, insertRecord, setRecordCertifiedAt } from '../repositories/records'
import type { Db, PersonRow } from '../repositories/types'
import { cardNumberHash, idNumberHash } from '../services/identity'
import { shanghaiMidnightIso } from '../time/clock'
import { ROSTER_COLUMNS, type RawRosterRow, type RowError } from './columns'
import { insertMany, isSqlite, SqliteRowWriter } from './batch-insert'
import { rawSqliteHandle } from './sqlite-raw'
import { validateRosterRow, type RosterRow } from './validate'

export interface ImportOptions {
  pii: PiiCipher
  /** Today in Beijing time (YYYY-MM-DD): bounds dates, becomes enrolled_on for new persons. */
  today: string
  /** ISO timestamp written to created_at / updated_at. */
  now: string
  cyclePolicy: CyclePolicy
  skipInvalid?: boolean
  /** Who imports, for the audit log (e.g. "cli", "demo-seed"). */
  actor: string
  onProgress?: (done: number, total: number) => void
}

export interface ImportSummary {
  /** False when rows were refused without skipInvalid: then nothing was written. */
  committed: boolean
  total: number
  inserted: number
  updated: number
  unchanged: number
  rejected: number
  errors: RowError[]
}

class Abort extends Error {}

interface Checked {
  row: RosterRow
  idHash: string
  cardHash: string
}

function checkAll(rows: RawRosterRow[], existing: PersonRow[], opts: ImportOptions): { valid: Checked[]; errors: RowError[]; rejectedLines: Set<number> } {
  const byIdHash = new Map(existing.map((p) => [p.id_number_hash, p]))
  const seenPersonNo = new Map<string, number>()
  const seenIdHash = new Map<string, number>()
  const errors: RowError[] = []
  const rejectedLines = new Set<number>()
  const valid: Checked[] = []
  for (const raw of rows) {
    const { row, errors: rowErrors } = validateRosterRow(raw, opts.today)
    const local = [...rowErrors]
    if (row) {
      const idHash = idNumberHash(opts.pii, row.idNumber)
      const firstNo = seenPersonNo.get(row.personNo)
      if (firstNo !== undefined) local.push({ line: raw.line, column: ROSTER_COLUMNS.personNo, reason: `个人编号与第 ${firstNo} 行重复` })
      const firstId = seenIdHash.get(idHash)
      if (firstId !== undefined) local.push({ line: raw.line, column: ROSTER_COLUMNS.idNumber, reason: `身份证号与第 ${firstId} 行重复` })
      const holder = byIdHash.get(idHash)
      if (holder && holder.person_no !== row.personNo) {
        local.push({ line: raw.line, column: ROSTER_COLUMNS.idNumber, reason: '该身份证号已登记在其他个人编号下，请核对个人编号' })
      }
      if (firstNo === undefined) seenPersonNo.set(row.personNo, raw.line)
      if (firstId === undefined) seenIdHash.set(idHash, raw.line)
      if (local.length === 0) valid.push({ row, idHash, cardHash: cardNumberHash(opts.pii, row.cardNumber) })
    }
    if (local.length > 0) {
      rejectedLines.add(raw.line)
      errors.push(...local)
    }
  }
  return { valid, errors, rejectedLines }
}

function suspendedSince(row: RosterRow, opts: ImportOptions): string {
  if (row.lastCertifiedOn) {
    const overdueFrom = nextCycle(row.lastCertifiedOn, opts.cyclePolicy).overdueFrom
    if (overdueFrom <= opts.today) return overdueFrom
  }
  return opts.today
}

function sameAs(p: PersonRow, c: Checked, pii: PiiCipher): boolean {
  const r = c.row
  return (
    p.id_number_hash === c.idHash &&
    p.card_number_hash === c.cardHash &&
    p.insurance_type === r.insuranceType &&
    p.employer === r.employer &&
    p.benefit_status === r.benefitStatus &&
    p.last_certified_on === r.lastCertifiedOn &&
    p.region_code === r.regionCode &&
    pii.decrypt('name', p.name_enc) === r.name
  )
}

function personFields(c: Checked, previous: PersonRow | undefined, opts: ImportOptions) {
  const r = c.row
  return {
    name_enc: opts.pii.encrypt('name', r.name),
    name_masked: maskName(r.name),
    id_number_enc: opts.pii.encrypt('id_number', r.idNumber),
    id_number_hash: c.idHash,
    id_number_masked: maskIdNumber(r.idNumber),
    card_number_enc: opts.pii.encrypt('card_number', r.cardNumber),
    card_number_hash: c.cardHash,
    insurance_type: r.insuranceType,
    employer: r.employer,
    benefit_status: r.benefitStatus,
    suspended_since:
      r.benefitStatus === 'suspended' ? (previous?.benefit_status === 'suspended' && previous.suspended_since ? previous.suspended_since : suspendedSince(r, opts)) : null,
    last_certified_on: r.lastCertifiedOn,
    region_code: r.regionCode,
    key_version: opts.pii.currentVersion,
    updated_at: opts.now,
  }
}

/** Rows written per multi-row chunk of new persons. */
const FLUSH_ROWS = 1000

/** Progress is reported every PROGRESS_EVERY rows (and for the last row): a per-row callback redraws a bar a million times. */
const PROGRESS_EVERY = 1000

/** Only a few hundred distinct dates occur in a roster: convert each once. */
const midnightCache = new Map<string, string>()
function midnightIso(date: string): string {
  let iso = midnightCache.get(date)
  if (iso === undefined) {
    iso = shanghaiMidnightIso(date)
    if (midnightCache.size > 10_000) midnightCache.clear()
    midnightCache.set(date, iso)
  }
  return iso
}

/**
 * SQLite page cache for a large import: the roster's indexes (random UUIDs, blind-index hashes) are
 * written in random order, and with better-sqlite3's default 16 MB cache a large import keeps missing
 * and spilling dirty pages to the WAL. About 1.5 KiB per row (the whole transaction's dirty pages),
 * capped at 1.5 GiB, only for imports over ~5 500 rows, restored afterwards. Never lowers the cache.
 */
async function withImportCache<T>(db: Db, rows: number, run: () => Promise<T>): Promise<T> {
  const wantKib = Math.min(1536 * 1024, Math.ceil(rows * 1.5))
  if (!isSqlite(db) || wantKib <= 8 * 1024) return run()
  const current = Number((await sql<{ cache_size: number }>`pragma cache_size`.execute(db)).rows[0]?.cache_size)
  if (!Number.isFinite(current)) return run()
  // Negative values are KiB, positive values are pages (assume the 4 KiB default page size).
  const currentKib = current < 0 ? -current : current * 4
  if (currentKib >= wantKib) return run()
  await sql.raw(`pragma cache_size = ${-wantKib}`).execute(db)
  try {
    return await run()
  } finally {
    await sql.raw(`pragma cache_size = ${Math.trunc(current)}`).execute(db)
  }
}

function importRecord(personId: string, date: string, now: string): Insertable<CertificationRecordsTable> {
  return {
    id: newId(),
    person_id: personId,
    certified_at: midnightIso(date),
    result: 'passed',
    method: 'legacy',
    channel: 'import',
    performed_by: 'self',
    performer_account_id: null,
    created_at: now,
  }
}

async function upsertImportRecord(trx: Db, personId: string, date: string, now: string): Promise<void> {
  const certifiedAt = midnightIso(date)
  const existing = await findImportRecord(trx, personId)
  if (!existing) {
    await insertRecord(trx, importRecord(personId, date, now))
  } else if (existing.certified_at !== certifiedAt) {
    await setRecordCertifiedAt(trx, existing.id, certifiedAt)
  }
}

export async function importRoster(db: Db, rows: RawRosterRow[], opts: ImportOptions): Promise<ImportSummary> {
  const summary: ImportSummary = { committed: false, total: rows.length, inserted: 0, updated: 0, unchanged: 0, rejected: 0, errors: [] }
  try {
    await withImportCache(db, rows.length, () => db.transaction().execute(async (trx) => {
      const existing = await listAllPersons(trx)
      const { valid, errors, rejectedLines } = checkAll(rows, existing, opts)
      summary.errors = errors
      summary.rejected = rejectedLines.size
      if (errors.length > 0 && !opts.skipInvalid) throw new Abort()

      const byPersonNo = new Map(existing.map((p) => [p.person_no, p]))
      // New persons (and their one import record) need nothing looked up first. On better-sqlite3 they
      // are written synchronously through two prepared statements reused for every row (same
      // connection, so inside this transaction); otherwise in multi-row chunks. Changed persons are
      // updated one by one.
      const raw = await rawSqliteHandle(trx)
      let personWriter: SqliteRowWriter<'persons'> | undefined
      let recordWriter: SqliteRowWriter<'certification_records'> | undefined
      const newPersons: Insertable<PersonsTable>[] = []
      const newRecords: Insertable<CertificationRecordsTable>[] = []
      const flush = async () => {
        await insertMany(trx, 'persons', newPersons.splice(0))
        await insertMany(trx, 'certification_records', newRecords.splice(0))
      }
      let done = 0
      for (const c of valid) {
        const previous = byPersonNo.get(c.row.personNo)
        if (!previous) {
          const id = newId()
          const person: Insertable<PersonsTable> = { id, person_no: c.row.personNo, enrolled_on: opts.today, created_at: opts.now, ...personFields(c, undefined, opts) }
          const record = c.row.lastCertifiedOn ? importRecord(id, c.row.lastCertifiedOn, opts.now) : undefined
          if (raw) {
            personWriter ??= new SqliteRowWriter(raw, 'persons', Object.keys(person))
            personWriter.write(person)
            if (record) {
              recordWriter ??= new SqliteRowWriter(raw, 'certification_records', Object.keys(record))
              recordWriter.write(record)
            }
          } else {
            newPersons.push(person)
            if (record) newRecords.push(record)
            if (newPersons.length >= FLUSH_ROWS) await flush()
          }
          summary.inserted++
        } else if (sameAs(previous, c, opts.pii)) {
          summary.unchanged++
        } else {
          await updatePerson(trx, previous.id, personFields(c, previous, opts))
          if (c.row.lastCertifiedOn) await upsertImportRecord(trx, previous.id, c.row.lastCertifiedOn, opts.now)
          summary.updated++
        }
        ++done
        if (opts.onProgress && (done % PROGRESS_EVERY === 0 || done === valid.length)) opts.onProgress(done, valid.length)
      }
      await flush()
      await appendAudit(trx, {
        at: opts.now,
        actorType: 'import',
        actorRef: opts.actor,
        action: 'roster.imported',
        detail: { total: summary.total, inserted: summary.inserted, updated: summary.updated, unchanged: summary.unchanged, rejected: summary.rejected },
      })
    }))
    summary.committed = true
  } catch (err) {
    if (!(err instanceof Abort)) throw err
  }
  return summary
}
