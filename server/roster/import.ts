/**
 * Imports roster rows in ONE transaction. Every row is checked (cells, duplicates inside the file, an
 * ID number already registered under another 个人编号). If any row is refused and skipInvalid is
 * false, nothing is written: rows are written as they are checked and the transaction is rolled back
 * at the end. Re-import updates by 个人编号; 上次认证日期 is kept on the person (roster_certified_on,
 * shown in the history as 历史数据导入: repositories/records.ts).
 *
 * Two halves: preparing (check, blind-index, encrypt: prepare.ts) and writing (here). A large file is
 * prepared by worker threads while this thread writes (import-file.ts); rows already in memory are
 * prepared here (importRoster).
 */
import type { CyclePolicy } from '../../src/core/cycle'
import type { PiiCipher } from '../crypto/pii'
import { newSortableId } from '../db/ids'
import { appendAudit } from '../repositories/audit'
import { openPersonBulkWriter, personsLookEmpty, refreshPersonsStatistics } from '../repositories/person-bulk'
import { listAllPersons } from '../repositories/persons'
import type { Db, PersonRow } from '../repositories/types'
import { ROSTER_CODEC, ROSTER_COLUMNS, ROSTER_FIELDS, type RawRosterRow, type RosterField, type RowError } from './columns'
import { ENCODED_COLUMNS, HASH_CHARS, PERSON_AT, PREPARED_NULLABLE, PREPARED_PERSON_COLUMNS, RosterPreparer, ROWS_PER_PIECE, SEALED_SLOTS, SLOTS, WIDTH, type PreparedChunk } from './prepare'
import { FirstLineIndex } from './first-line-index'
import { withBulkJournal, withImportCache } from './sqlite-bulk'
import { shanghaiDate } from '../time/clock'

export interface ImportOptions {
  pii: PiiCipher
  /** Today in Beijing time (YYYY-MM-DD): bounds dates, becomes enrolled_on for new persons. */
  today: string
  /** ISO timestamp written to created_at / updated_at. */
  now: string
  cyclePolicy: CyclePolicy
  skipInvalid?: boolean
  /**
   * Check every row as the import would (cells, duplicates, clashes with the stored roster) and count
   * what it would insert / update / leave unchanged, but write nothing (the console's check before
   * confirm). committed stays false.
   */
  checkOnly?: boolean
  /** Who imports, for the audit log (e.g. "cli", "demo-seed"). */
  actor: string
  onProgress?: (done: number, total: number) => void
  /**
   * Optional columns the file leaves out (parse.ts absentFields): persons already on the roster keep
   * what is stored for them. importRoster works it out from the rows itself.
   */
  absentFields?: readonly RosterField[]
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

/**
 * Imports of fewer rows keep the store's indexes live even into an empty roster (the demo roster, a
 * test's few rows): dropping and rebuilding them would save nothing and still lock the table. Imports
 * that write at least this many rows also refresh the planner's statistics afterwards.
 */
const FIRST_LOAD_MIN_ROWS = 1000

/** The k-th of PREPARED_PERSON_COLUMNS of the row at `at`, as stored: '' is NULL in the nullable ones. */
const stored = (v: string[], at: number, k: number): string | null => {
  const value = v[at + PERSON_AT + k]
  return value === '' && PREPARED_NULLABLE[k] ? null : value
}

/** New persons: these columns vary by row (id, then key, blind index and the prepared ones: a chunk's encoded rows). */
const NEW_PERSON_COLUMNS = ['id', ...ENCODED_COLUMNS]
const PREPARED_FROM = NEW_PERSON_COLUMNS.length - PREPARED_PERSON_COLUMNS.length

/** What a re-import compares and sets, given the optional columns the file leaves out (generated from the slots). */
class ExistingPersons {
  /** Indexes k into PREPARED_PERSON_COLUMNS of the columns a re-import sets. */
  private readonly setK: number[]
  /** Those compared to tell a changed person from an unchanged one. */
  private readonly comparedK: number[]
  readonly updatedColumns: string[]

  constructor(private readonly opts: ImportOptions) {
    const absent = new Set((opts.absentFields ?? []).map((f) => ROSTER_CODEC[f].storage))
    const kept = (k: number) => !absent.has(PREPARED_PERSON_COLUMNS[k] as never)
    const ks = PREPARED_PERSON_COLUMNS.map((_, k) => k).filter(kept)
    this.setK = ks
    // last_certified_on also moves with in-app passes (the authoritative last pass, migration 014): the
    // roster's own date is compared through roster_certified_on, which holds the same cell.
    this.comparedK = ks.filter((k) => SLOTS[PERSON_AT + k].compared && PREPARED_PERSON_COLUMNS[k] !== 'last_certified_on')
    this.updatedColumns = ['id_number_hash', 'key_version', 'updated_at', ...ks.map((k) => PREPARED_PERSON_COLUMNS[k])]
  }

  same(p: PersonRow, v: string[], at: number, idHash: string): boolean {
    if (p.id_number_hash !== idHash) return false
    const row = p as unknown as Record<string, string | null>
    for (const k of this.comparedK) if (row[PREPARED_PERSON_COLUMNS[k]] !== stored(v, at, k)) return false
    const sealed = this.opts.pii.openPerson(p.pii_enc)
    for (const s of SEALED_SLOTS) if (sealed[s.field as 'name'] !== v[at + s.at]) return false
    return true
  }

  /** The person columns a roster row sets on an existing person, from its prepared values at `at`. */
  fields(v: string[], at: number, idHash: string, previous: PersonRow): Record<string, string | null> {
    const fields: Record<string, string | null> = { id_number_hash: idHash, key_version: this.opts.pii.currentVersion, updated_at: this.opts.now }
    for (const k of this.setK) fields[PREPARED_PERSON_COLUMNS[k]] = stored(v, at, k)
    // A person already suspended stays suspended since the same day.
    if (fields.benefit_status === 'suspended' && previous.benefit_status === 'suspended' && previous.suspended_since) fields.suspended_since = previous.suspended_since
    return fields
  }
}

/** What the writing half tells whoever prepares its chunks (import-file.ts). */
export interface PreparedSource {
  /**
   * Called once, before the first chunk is asked for: false when no chunk's values will be read (no
   * stored person to compare rows with, and a writer taking encoded rows).
   */
  valuesNeeded?(needed: boolean): void
}

/** The writing half: prepared chunks in line order → one transaction (exported for the benchmark's write-only baseline). */
export async function importPrepared(db: Db, chunks: AsyncIterable<PreparedChunk> | Iterable<PreparedChunk>, total: number, opts: ImportOptions, source: PreparedSource = {}): Promise<ImportSummary> {
  const summary: ImportSummary = { committed: false, total, inserted: 0, updated: 0, unchanged: 0, rejected: 0, errors: [] }
  const errors: RowError[] = []
  try {
    // A large first load may have the store build its indexes after the rows (person-bulk intoEmptyTable).
    const intoEmptyTable = !opts.checkOnly && total >= FIRST_LOAD_MIN_ROWS && (await personsLookEmpty(db))
    await withBulkJournal(db, total, () => withImportCache(db, total, () => db.transaction().execute(async (trx) => {
      const existingPersons = new ExistingPersons(opts)
      // Opened before the roster is read: with intoEmptyTable its lock is the transaction's first on persons.
      const writer = await openPersonBulkWriter(trx, {
        columns: NEW_PERSON_COLUMNS,
        constants: { enrolled_on: opts.today, key_version: opts.pii.currentVersion, created_at: opts.now, updated_at: opts.now },
        updatedColumns: existingPersons.updatedColumns,
        intoEmptyTable,
      })
      const existing = await listAllPersons(trx)
      const byIdHash = new Map(existing.map((p) => [p.id_number_hash, p]))
      const byPersonNo = new Map(existing.map((p) => [p.person_no, p]))
      const seenPersonNo = new FirstLineIndex()
      const seenIdHash = new FirstLineIndex()
      // Values are read below only for a row whose 个人编号 is stored, or to write a row that has no encoded form.
      source.valuesNeeded?.(existing.length > 0 || !writer.insertEncoded)
      // Reused for every new row: the writers copy the values when they take them (head: the id of an encoded row).
      const person: (string | null)[] = new Array(NEW_PERSON_COLUMNS.length)
      const head: string[] = ['']

      try {
        let done = 0
        for await (const chunk of chunks) {
          for (const e of chunk.errors) errors.push(e)
          summary.rejected += chunk.invalidRows
          const encoded = writer.insertEncoded ? chunk.encoded : undefined
          const ends = chunk.encodedEnds
          for (let i = 0; i < chunk.lines.length; i++) {
            const line = chunk.lines[i]
            const at = i * WIDTH
            const personNo = chunk.personNos[i]
            const idHash = chunk.idHashes.slice(i * HASH_CHARS, (i + 1) * HASH_CHARS)
            const firstNo = seenPersonNo.firstLine(personNo, line)
            const firstId = seenIdHash.firstLine(idHash, line)
            const holder = byIdHash.get(idHash)
            if (firstNo !== undefined || firstId !== undefined || (holder && holder.person_no !== personNo)) {
              if (firstNo !== undefined) errors.push({ line, column: ROSTER_COLUMNS.personNo, reason: `个人编号与第 ${firstNo} 行重复` })
              if (firstId !== undefined) errors.push({ line, column: ROSTER_COLUMNS.idNumber, reason: `身份证号与第 ${firstId} 行重复` })
              if (holder && holder.person_no !== personNo) errors.push({ line, column: ROSTER_COLUMNS.idNumber, reason: '该身份证号已登记在其他个人编号下，请核对个人编号' })
              summary.rejected++
              continue
            }
            // Once a row is refused without skipInvalid nothing will be kept: only check the rest.
            if (errors.length > 0 && !opts.skipInvalid) continue
            if (opts.checkOnly) {
              const known = byPersonNo.get(personNo)
              if (!known) summary.inserted++
              else if (existingPersons.same(known, chunk.values, at, idHash)) summary.unchanged++
              else summary.updated++
              continue
            }

            const previous = byPersonNo.get(personNo)
            if (!previous && encoded && ends) {
              head[0] = newSortableId()
              const adding = writer.insertEncoded!(head, encoded, i === 0 ? 0 : ends[i - 1], ends[i])
              if (adding) await adding // a full buffer
              summary.inserted++
              continue
            }
            // Read only here: a chunk from the workers unpacks its values on first use.
            const v = chunk.values
            if (!previous) {
              person[0] = newSortableId()
              person[1] = personNo
              person[2] = idHash
              for (let k = 0; k < PREPARED_PERSON_COLUMNS.length; k++) person[PREPARED_FROM + k] = stored(v, at, k)
              const adding = writer.insert(person)
              if (adding) await adding // a full buffer
              summary.inserted++
            } else if (existingPersons.same(previous, v, at, idHash)) {
              summary.unchanged++
            } else {
              await writer.update(previous.id, existingPersons.fields(v, at, idHash, previous))
              summary.updated++
            }
          }
          done += chunk.rows
          opts.onProgress?.(done, Math.max(done, total))
        }
        summary.total = done
        if ((errors.length > 0 && !opts.skipInvalid) || opts.checkOnly) throw new Abort()

        await writer.finish()
        await keepLaterPasses(trx, opts.now)
      } catch (err) {
        // An open COPY holds the connection: cancel it, or the rollback would wait behind it forever.
        await writer.abort()
        throw err
      }
      await appendAudit(trx, {
        at: opts.now,
        actorType: 'import',
        actorRef: opts.actor,
        action: 'roster.imported',
        detail: { total: summary.total, inserted: summary.inserted, updated: summary.updated, unchanged: summary.unchanged, rejected: summary.rejected },
      })
    })))
    summary.committed = true
    if (summary.inserted + summary.updated >= FIRST_LOAD_MIN_ROWS) {
      // The rows are committed whatever happens here: a failure only leaves the statistics to autovacuum.
      await refreshPersonsStatistics(db).catch(() => undefined)
    }
  } catch (err) {
    if (!(err instanceof Abort)) throw err
    // Rolled back: nothing was inserted, updated or kept (checkOnly: the counts say what it would have done).
    if (!opts.checkOnly) summary.inserted = summary.updated = summary.unchanged = 0
  }
  // Each row's own problems first, then what it clashed with: one stable order, by line.
  summary.errors = errors.sort((a, b) => a.line - b.line)
  return summary
}

/**
 * A re-import writes the roster's 上次认证日期 into last_certified_on; a person who passed in the app
 * after that date keeps the later pass (the authoritative last pass, src/core/standing.ts). Only rows
 * this import updated (updated_at = now) with a passed record are read, in one statement; only those
 * whose pass is later than the roster's date are written.
 */
async function keepLaterPasses(trx: Db, now: string): Promise<void> {
  const rows = await trx
    .selectFrom('persons as p')
    .innerJoin('certification_records as r', 'r.person_id', 'p.id')
    .select(['p.id', 'p.last_certified_on', (eb) => eb.fn.max('r.certified_at').as('last_pass_at')])
    .where('p.updated_at', '=', now)
    .where('r.result', '=', 'passed')
    .groupBy(['p.id', 'p.last_certified_on'])
    .execute()
  for (const row of rows) {
    const passed = shanghaiDate(new Date(String(row.last_pass_at)))
    if (!row.last_certified_on || passed > row.last_certified_on) await trx.updateTable('persons').set({ last_certified_on: passed }).where('id', '=', row.id).execute()
  }
}

function* preparedHere(rows: RawRosterRow[], opts: ImportOptions): Generator<PreparedChunk> {
  const preparer = new RosterPreparer(opts)
  for (let i = 0; i < rows.length; i += ROWS_PER_PIECE) yield preparer.prepare(rows.slice(i, i + ROWS_PER_PIECE))
}

/** Imports rows already read and parsed, preparing them on this thread. */
export async function importRoster(db: Db, rows: RawRosterRow[], opts: ImportOptions): Promise<ImportSummary> {
  const absentFields = opts.absentFields ?? (rows.length === 0 ? [] : ROSTER_FIELDS.filter((f) => !ROSTER_CODEC[f].required && rows.every((r) => r.cells[f] === undefined)))
  return importPrepared(db, preparedHere(rows, opts), rows.length, { ...opts, absentFields })
}
