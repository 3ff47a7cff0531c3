/**
 * Helpers for the 家人 / share / notice / query route tests (not a test file): extra fictional roster
 * persons, a certification run with a REAL recorded trace through the engine (as the client does),
 * and a scriptable identity verifier.
 */
import { randomUUID } from 'node:crypto'
import type { CertificationSessionView, ClientVerdict } from '../../../src/core/contracts/certification'
import { DEFAULT_LIVENESS_TIMING, livenessEngineConfig } from '../../../src/core/contracts/certification'
import { runSession, sourceFromHeader, type ActionName, type ObservationSummary } from '../../../src/core/liveness'
import { checkCharFor } from '../../../src/core/id-number'
import { maskIdNumber, maskName } from '../../../src/core/mask'
import type { IdentityOutcome, IdentitySubject, IdentityVerifier } from '../../../server/identity/port'
import { PiiCipher } from '../../../server/crypto/pii'
import { idNumberHash } from '../../../server/crypto/pii-fields'
import { DEFAULT_CERTIFICATION_CONFIG } from '../../../server/services/certification-config'
import { loadTrace } from '../../core/liveness/helpers'
import { TEST_KEY_V1 } from '../helpers/config'
import { DEMO, type DemoKey } from '../helpers/demo'
import { startHarness, type Harness } from '../helpers/harness'
import type { Dialect } from '../../../server/db/schema'

export type Caller = { platform: 'local'; openid: string }

/** Accepts every face (the identity check is not what these tests are about). */
export class AcceptingVerifier implements IdentityVerifier {
  readonly kind = 'local-face-match' as const
  readonly needsEvidenceFrames = false
  prepared: IdentitySubject[] = []
  async prepare(subject: IdentitySubject) {
    this.prepared.push(subject)
    return { kind: 'none' as const }
  }
  async verify(): Promise<IdentityOutcome> {
    return { outcome: 'verified', score: 0.9 }
  }
}

export const TEST_CHALLENGE: ActionName[] = ['blink', 'turn_left']

export async function familyHarness(dialect: Dialect): Promise<{ h: Harness; verifier: AcceptingVerifier }> {
  const verifier = new AcceptingVerifier()
  const h = await startHarness(dialect, {
    config: { certification: { ...DEFAULT_CERTIFICATION_CONFIG, testChallenge: TEST_CHALLENGE } },
    build: { identityVerifier: verifier },
  })
  return { h, verifier }
}

let personCounter = 0
/** Extra fictional persons (valid ID numbers, region 110102), returned with their plain details. */
export async function addRosterPersons(h: Harness, n: number, tag = randomUUID().slice(0, 4)): Promise<{ name: string; idNumber: string; personId: string }[]> {
  const pii = new PiiCipher({ keys: { v1: TEST_KEY_V1 }, current: 'v1', indexVersion: 'v1' })
  const out: { name: string; idNumber: string; personId: string }[] = []
  const given = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉'
  for (let i = 0; i < n; i++) {
    // 110102 + birth 1950-01-01 + a sequence number that differs per tag and i
    const seq = String(++personCounter % 1000).padStart(3, '0')
    const first17 = `1101021950${String((personCounter % 12) + 1).padStart(2, '0')}${String((personCounter % 28) + 1).padStart(2, '0')}${seq}`
    const idNumber = first17 + checkCharFor(first17)
    const name = `试${given[i % given.length]}${given[(i * 7 + 3) % given.length]}`
    const personId = randomUUID()
    const now = h.now.toISOString()
    // The process-wide counter keeps person_no and the card unique even when two calls draw the same
    // random tag (4 hex digits: a clash in a few percent of files that add many people).
    const card = `T${tag}${String(personCounter).padStart(6, '0')}`.toUpperCase().replace(/[^A-Z0-9]/g, '0')
    await h.test.store.db
      .insertInto('persons')
      .values({
        id: personId,
        person_no: `T${tag}${personCounter}`,
        pii_enc: pii.sealPerson({ name, idNumber, cardNumber: card }),
        name_masked: maskName(name),
        id_number_hash: idNumberHash(pii, idNumber),
        id_number_masked: maskIdNumber(idNumber),
        insurance_type: 'enterprise',
        employer: '',
        benefit_status: 'normal',
        suspended_since: null,
        last_certified_on: '2026-02-10',
        region_code: '110102',
        enrolled_on: '2010-01-01',
        key_version: 'v1',
        created_at: now,
        updated_at: now,
      })
      .execute()
    out.push({ name, idNumber, personId })
  }
  return out
}

let variant = 0
/** Runs the passing clip through the engine for `challenge` as the camera page would. */
export function passingRun(challenge: readonly ActionName[]): { verdict: ClientVerdict; summary: ObservationSummary; spanMs: number } {
  const trace = loadTrace('cap13_edit2')
  const shift = ++variant * 11
  const frames = trace.frames.map((f) => ({ ...f, t: f.t + shift }))
  const { verdict } = runSession(sourceFromHeader(trace.header), frames, challenge, livenessEngineConfig(DEFAULT_LIVENESS_TIMING))
  const summary = JSON.parse(JSON.stringify(verdict.summary)) as ObservationSummary
  const spanMs = frames[frames.length - 1].t - frames[0].t
  return { verdict: { passed: verdict.passed, reason: verdict.reason } as ClientVerdict, summary, spanMs }
}

/** start (with a subject) → camera → complete; returns both answers. The clock moves on by the clip. */
export async function certify(h: Harness, caller: Caller, subject: Record<string, string>): Promise<{ session: CertificationSessionView; result: Record<string, unknown>; status: number }> {
  const res = await h.post('/v1/certifications/start', { caller, channel: 'h5', ...subject })
  if (res.statusCode !== 200) throw new Error(`start: ${res.statusCode} ${res.body}`)
  const session = res.json() as CertificationSessionView
  const run = passingRun(session.challenge)
  h.now = new Date(h.now.getTime() + run.spanMs + 1000)
  const done = await h.post('/v1/certifications/complete', { caller, sessionId: session.sessionId, nonce: session.nonce, verdict: run.verdict, summary: run.summary })
  return { session, result: done.json(), status: done.statusCode }
}

export const PERSON_NO: Record<DemoKey, string> = { wang: 'DEMO0001', li: 'DEMO0002', zhang: 'DEMO0003', liu: 'DEMO0004', chen: 'DEMO0005', zhao: 'DEMO0006', sun: 'DEMO0007' }

export async function personIdOf(h: Harness, key: DemoKey): Promise<string> {
  return (await h.test.store.db.selectFrom('persons').select('id').where('person_no', '=', PERSON_NO[key]).executeTakeFirstOrThrow()).id
}

/** Audit rows of one action (audit_log; a read's rows are in read_audit_log: pass that table). */
export async function auditOf(h: Harness, action: string, table: 'audit_log' | 'read_audit_log' = 'audit_log') {
  // Audit rows of reads are written in batches just after the answer.
  await h.app.services.readAudit?.flush()
  const rows = await h.test.store.db.selectFrom(table).selectAll().where('action', '=', action).orderBy('at').execute()
  return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }))
}

/** Every demo person's full name and ID number, for privacy checks. */
export const DEMO_SECRETS: string[] = Object.values(DEMO).flatMap((p) => [p.name, p.idNumber])

export const addBody = (caller: Caller, key: DemoKey, relation = 'father') => ({ caller, name: DEMO[key].name, idNumber: DEMO[key].idNumber, relation })
