/**
 * A signals file from bytes to stored signals and decisions: checkSignalsBytes (check.ts), then,
 * unless a row was refused (or with skipInvalid), applySignals (apply.ts) in one transaction. A file
 * with refused rows and no skipInvalid writes nothing at all.
 */
import { createHash } from 'node:crypto'
import type { CyclePolicy } from '../../src/core/cycle'
import type { SilentPolicy } from '../../src/core/silent-certification'
import type { PiiCipher } from '../crypto/pii'
import { newId } from '../db/ids'
import type { Db } from '../repositories/types'
import type { RowError } from '../roster/columns'
import type { RosterEncoding } from '../roster/decode'
import { applySignals, type ApplySummary } from './apply'
import { checkSignalsBytes } from './check'

export interface SignalImportOptions {
  pii: PiiCipher
  today: string
  now: string
  cyclePolicy: CyclePolicy
  policy: SilentPolicy
  filename: string
  /** Who imports: 'cli' for the command line. */
  actor: string
  /** Only persons of this region ('' = all). */
  regionPrefix?: string
  skipInvalid?: boolean
  onProgress?: (phase: 'check' | 'write', done: number, total: number) => void
}

export interface SignalImport {
  encoding: RosterEncoding
  fatal: RowError[]
  total: number
  rejected: number
  errors: RowError[]
  /** Present when the file was imported (no refused rows, or skipInvalid). */
  applied?: ApplySummary
}

export async function importSignalsBytes(db: Db, bytes: Buffer, opts: SignalImportOptions): Promise<SignalImport> {
  const regionPrefix = opts.regionPrefix ?? ''
  const check = await checkSignalsBytes(db, bytes, { pii: opts.pii, today: opts.today, regionPrefix, onProgress: (d, t) => opts.onProgress?.('check', d, t) })
  const base = { encoding: check.encoding, fatal: check.fatal, total: check.total, rejected: check.rejected, errors: check.errors }
  if (check.fatal.length > 0) return base
  if (check.errors.length > 0 && !opts.skipInvalid) return base
  const applied = await applySignals(db, check.rows, {
    today: opts.today,
    now: opts.now,
    cyclePolicy: opts.cyclePolicy,
    policy: opts.policy,
    importId: newId(),
    importRow: { actorType: 'import', actorRef: opts.actor, regionPrefix, filename: opts.filename, encoding: check.encoding, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length },
    total: check.total,
    rejected: check.rejected,
    errors: check.errors,
    onProgress: (d, t) => opts.onProgress?.('write', d, t),
  })
  return { ...base, applied }
}
