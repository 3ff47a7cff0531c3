/**
 * Writing checked signals and applying the 静默认证 policy, in ONE transaction: the signal_imports
 * row, the new life_signals (ON CONFLICT DO NOTHING on (person, source, day): the same file twice
 * inserts nothing and so decides nothing), then for each person who got a new signal:
 *  - a death or 殡葬 signal: payment suspended, the person flagged for review (signal_reviews), audited;
 *    a life signal dated after it is flagged as a conflict. Never a pass.
 *  - enough recent signals (src/core/silent-certification.ts) and due or overdue: a passed record
 *    (method data_comparison) through the ONE pass path (services/passes.ts applyPass), audited.
 */
import type { CyclePolicy } from '../../src/core/cycle'
import { decideSilent, type Signal, type SignalSource, type SilentDecision, type SilentPolicy } from '../../src/core/silent-certification'
import { standingFactsOf, standingOf } from '../../src/core/standing'
import { newId, newSortableId } from '../db/ids'
import { appendAudit, type AuditEntry } from '../repositories/audit'
import { NO_RECORD_DETAILS } from '../repositories/records'
import type { Db, PersonRow } from '../repositories/types'
import type { RowError } from '../roster/columns'
import { withBulkJournal, withImportCache } from '../roster/sqlite-bulk'
import { applyPass, reinstatedAuditDetail } from '../services/passes'
import type { CheckedSignal } from './check'

export interface ApplyOptions {
  today: string
  now: string
  cyclePolicy: CyclePolicy
  policy: SilentPolicy
  /** The import row: a staged console upload's id, or a new one. */
  importId: string
  /** Set when the import row exists already (a staged console upload); else it is inserted. */
  staged?: boolean
  importRow: { actorType: 'import' | 'agency'; actorRef: string; regionPrefix: string; filename: string; encoding: string; sha256: string; bytes: number }
  total: number
  rejected: number
  errors: RowError[]
  /** The agency user who confirmed a console upload (performer of the records). */
  agencyUserId?: string
  onProgress?: (done: number, total: number) => void
}

export interface ApplySummary {
  importId: string
  /** New signals stored. */
  inserted: number
  /** Rows whose signal an earlier import already stored. */
  alreadyKnown: number
  certified: number
  /** Persons newly flagged for review (death or conflict). */
  flagged: number
  /** Of those, conflicts (a life signal after a death signal). */
  conflicts: number
  /** Payment newly suspended by a death signal. */
  suspended: number
}

const BATCH = 500
const chunks = <T>(list: T[], size: number): T[][] => {
  const out: T[][] = []
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size))
  return out
}

/** A new signal_imports row's own counts (the CLI's row here, the console's staged upload's row). */
export const NO_SIGNAL_COUNTS = { inserted: 0, already_known: 0, certified: 0, flagged: 0 } as const

export async function applySignals(db: Db, rows: CheckedSignal[], opts: ApplyOptions): Promise<ApplySummary> {
  const summary: ApplySummary = { importId: opts.importId, inserted: 0, alreadyKnown: 0, certified: 0, flagged: 0, conflicts: 0, suspended: 0 }
  await withBulkJournal(db, rows.length, () =>
    withImportCache(db, rows.length, () =>
      db.transaction().execute(async (trx) => {
        const r = opts.importRow
        if (!opts.staged) {
          await trx
            .insertInto('signal_imports')
            .values({
              id: opts.importId,
              actor_type: r.actorType,
              actor_ref: r.actorRef,
              region_prefix: r.regionPrefix,
              filename: r.filename,
              encoding: r.encoding,
              sha256: r.sha256,
              bytes: r.bytes,
              status: 'staged',
              rows_total: opts.total,
              rows_done: 0,
              ...NO_SIGNAL_COUNTS,
              rejected: 0,
              error_count: 0,
              errors_json: '[]',
              body_enc: null,
              created_at: opts.now,
              updated_at: opts.now,
              finished_at: null,
            })
            .execute()
        }
        // 1. The signals; the persons who got a new one.
        const touched = new Set<string>()
        let done = 0
        for (const batch of chunks(rows, BATCH)) {
          const inserted = await trx
            .insertInto('life_signals')
            .values(batch.map((s) => ({ id: newSortableId(), person_id: s.personId, source: s.source, occurred_on: s.occurredOn, imported_in: opts.importId, created_at: opts.now })))
            .onConflict((oc) => oc.columns(['person_id', 'source', 'occurred_on']).doNothing())
            .returning('person_id')
            .execute()
          summary.inserted += inserted.length
          for (const row of inserted) touched.add(row.person_id)
          done += batch.length
          opts.onProgress?.(done, rows.length)
        }
        summary.alreadyKnown = rows.length - summary.inserted

        // 2. The policy, for those persons, over all their signals.
        for (const ids of chunks([...touched], BATCH)) {
          const persons = await trx.selectFrom('persons').selectAll().where('id', 'in', ids).execute()
          const signals = await trx.selectFrom('life_signals').select(['person_id', 'source', 'occurred_on']).where('person_id', 'in', ids).execute()
          const byPerson = new Map<string, Signal[]>()
          for (const s of signals) {
            const list = byPerson.get(s.person_id) ?? []
            list.push({ source: s.source as SignalSource, occurredOn: s.occurred_on })
            byPerson.set(s.person_id, list)
          }
          await decideBatch(trx, persons as PersonRow[], byPerson, opts, summary)
        }

        await trx
          .updateTable('signal_imports')
          .set({
            status: 'imported',
            rows_total: opts.total,
            rows_done: opts.total,
            inserted: summary.inserted,
            already_known: summary.alreadyKnown,
            rejected: opts.rejected,
            certified: summary.certified,
            flagged: summary.flagged,
            error_count: opts.errors.length,
            errors_json: JSON.stringify(opts.errors),
            body_enc: null,
            updated_at: opts.now,
            finished_at: opts.now,
          })
          .where('id', '=', opts.importId)
          .execute()
        await appendAudit(trx, {
          at: opts.now,
          actorType: r.actorType,
          actorRef: r.actorRef,
          action: 'signals.imported',
          detail: { importId: opts.importId, total: opts.total, inserted: summary.inserted, alreadyKnown: summary.alreadyKnown, rejected: opts.rejected, certified: summary.certified, flagged: summary.flagged },
        })
      }),
    ),
  )
  return summary
}

/**
 * The policy for one batch of persons. Passes are written batch-wise (their records in one statement,
 * then applyPass for each, then their audit rows in one statement): the per-person writes are most of
 * an import's time. Death signals are rare and written one by one.
 */
async function decideBatch(trx: Db, persons: PersonRow[], byPerson: Map<string, Signal[]>, opts: ApplyOptions, summary: ApplySummary): Promise<void> {
  const actorRef = `signals:${opts.importId}`
  const passes: { person: PersonRow; recordId: string; decision: Extract<SilentDecision, { kind: 'certify' }> }[] = []
  for (const person of persons) {
    const standing = standingOf(standingFactsOf(person), opts.today, opts.cyclePolicy)
    const decision = decideSilent(byPerson.get(person.id) ?? [], opts.today, standing.state, opts.policy)
    if (decision.kind === 'death') await deathFor(trx, person, decision, opts, summary)
    else if (decision.kind === 'certify') passes.push({ person, recordId: newId(), decision })
  }
  if (passes.length === 0) return
  await trx
    .insertInto('certification_records')
    .values(
      passes.map(({ person, recordId }) => ({
        id: recordId,
        person_id: person.id,
        certified_at: opts.now,
        result: 'passed' as const,
        method: 'data_comparison' as const,
        channel: 'agency' as const,
        performed_by: 'agency' as const,
        created_at: opts.now,
        ...NO_RECORD_DETAILS,
        performer_agency_user_id: opts.agencyUserId ?? null,
      })),
    )
    .execute()
  const audits: AuditEntry[] = []
  for (const { person, recordId, decision } of passes) {
    const pass = await applyPass(trx, { cyclePolicy: opts.cyclePolicy }, { personId: person.id, passDate: opts.today, nowIso: opts.now })
    summary.certified++
    audits.push({
      at: opts.now,
      actorType: 'import',
      actorRef,
      action: 'signals.certified',
      subjectPersonId: person.id,
      detail: { importId: opts.importId, recordId, signals: decision.signals.length, sources: decision.sources.join(','), latest: decision.signals[0].occurredOn },
    })
    if (pass.reinstatement) audits.push({ at: opts.now, actorType: 'import', actorRef, action: 'benefit.reinstated', subjectPersonId: person.id, detail: reinstatedAuditDetail(recordId, pass.reinstatement) })
  }
  for (const part of chunks(audits, BATCH)) {
    await trx
      .insertInto('audit_log')
      .values(part.map((e) => ({ id: newId(), at: e.at, actor_type: e.actorType, actor_ref: e.actorRef, action: e.action, subject_person_id: e.subjectPersonId ?? null, detail: JSON.stringify(e.detail ?? {}) })))
      .execute()
  }
}

async function deathFor(trx: Db, person: PersonRow, decision: Extract<SilentDecision, { kind: 'death' }>, opts: ApplyOptions, summary: ApplySummary): Promise<void> {
  const actorRef = `signals:${opts.importId}`
  let suspended = false
  if (person.benefit_status !== 'suspended') {
    await trx.updateTable('persons').set({ benefit_status: 'suspended', suspended_since: opts.today, updated_at: opts.now }).where('id', '=', person.id).execute()
    suspended = true
    summary.suspended++
  }
  const flagged = await flag(trx, person.id, 'death', decision.signal, opts)
  if (flagged || suspended) {
    if (flagged) summary.flagged++
    await appendAudit(trx, {
      at: opts.now,
      actorType: 'import',
      actorRef,
      action: 'signals.death_flagged',
      subjectPersonId: person.id,
      detail: { importId: opts.importId, source: decision.signal.source, occurredOn: decision.signal.occurredOn, suspended },
    })
  }
  if (decision.conflict && (await flag(trx, person.id, 'conflict', decision.conflict, opts))) {
    summary.flagged++
    summary.conflicts++
    await appendAudit(trx, {
      at: opts.now,
      actorType: 'import',
      actorRef,
      action: 'signals.conflict_flagged',
      subjectPersonId: person.id,
      detail: { importId: opts.importId, deathSource: decision.signal.source, deathOn: decision.signal.occurredOn, lifeSource: decision.conflict.source, lifeOn: decision.conflict.occurredOn },
    })
  }
}

/** Flags the person for review once per reason; true when this call flagged them. */
async function flag(trx: Db, personId: string, reason: 'death' | 'conflict', signal: Signal, opts: ApplyOptions): Promise<boolean> {
  const inserted = await trx
    .insertInto('signal_reviews')
    .values({ id: newId(), person_id: personId, reason, source: signal.source, occurred_on: signal.occurredOn, import_id: opts.importId, status: 'open', created_at: opts.now })
    .onConflict((oc) => oc.columns(['person_id', 'reason']).doNothing())
    .returning('id')
    .execute()
  return inserted.length > 0
}
