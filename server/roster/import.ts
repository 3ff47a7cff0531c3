/**
 * Imports roster rows in ONE transaction. Every row is checked first (cells, duplicates inside the
 * file, an ID number already registered under another 个人编号). If any row is refused and
 * skipInvalid is false, nothing is written. Re-import updates by 个人编号; 上次认证日期 keeps one
 * import record per person (channel import, method legacy).
 */
import { nextCycle, type CyclePolicy } from '../../src/core/cycle'
import { maskIdNumber, maskName } from '../../src/core/mask'
import type { Insertable } from 'kysely'
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
import { insertMany } from './batch-insert'
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

function importRecord(personId: string, date: string, now: string): Insertable<CertificationRecordsTable> {
  return {
    id: newId(),
    person_id: personId,
    certified_at: shanghaiMidnightIso(date),
    result: 'passed',
    method: 'legacy',
    channel: 'import',
    performed_by: 'self',
    performer_account_id: null,
    created_at: now,
  }
}

async function upsertImportRecord(trx: Db, personId: string, date: string, now: string): Promise<void> {
  const certifiedAt = shanghaiMidnightIso(date)
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
    await db.transaction().execute(async (trx) => {
      const existing = await listAllPersons(trx)
      const { valid, errors, rejectedLines } = checkAll(rows, existing, opts)
      summary.errors = errors
      summary.rejected = rejectedLines.size
      if (errors.length > 0 && !opts.skipInvalid) throw new Abort()

      const byPersonNo = new Map(existing.map((p) => [p.person_no, p]))
      // New persons (and their one import record) are written in multi-row chunks: a new person has
      // no record yet, so nothing needs to be looked up first. Changed persons are updated one by one.
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
          newPersons.push({ id, person_no: c.row.personNo, enrolled_on: opts.today, created_at: opts.now, ...personFields(c, undefined, opts) })
          if (c.row.lastCertifiedOn) newRecords.push(importRecord(id, c.row.lastCertifiedOn, opts.now))
          if (newPersons.length >= FLUSH_ROWS) await flush()
          summary.inserted++
        } else if (sameAs(previous, c, opts.pii)) {
          summary.unchanged++
        } else {
          await updatePerson(trx, previous.id, personFields(c, previous, opts))
          if (c.row.lastCertifiedOn) await upsertImportRecord(trx, previous.id, c.row.lastCertifiedOn, opts.now)
          summary.updated++
        }
        opts.onProgress?.(++done, valid.length)
      }
      await flush()
      await appendAudit(trx, {
        at: opts.now,
        actorType: 'import',
        actorRef: opts.actor,
        action: 'roster.imported',
        detail: { total: summary.total, inserted: summary.inserted, updated: summary.updated, unchanged: summary.unchanged, rejected: summary.rejected },
      })
    })
    summary.committed = true
  } catch (err) {
    if (!(err instanceof Abort)) throw err
  }
  return summary
}
