/**
 * A person another department reported dead (an open death flag from the signals import) is never
 * certified automatically: a face that passes then goes to 人工审核, the suspension stays, and the
 * hold is audited. Once the agency has closed the flag, a pass is a pass again. Both stores.
 */
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../support/db'
import { newCaller, type Harness } from '../helpers/harness'
import { flagPerson } from './agency/review-support'
import { addBody, auditOf, certify, familyHarness, personIdOf } from './relatives-support'

describe.each(DIALECTS)('certification with a death report on file, on %s', (dialect) => {
  let h: Harness
  beforeAll(async () => {
    h = (await familyHarness(dialect)).h
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())

  const flag = (personId: string, status: 'open' | 'closed') => flagPerson(h.test.store.db, personId, { now: h.now.toISOString(), source: '殡葬', occurredOn: '2026-11-01', status })

  it('holds a passing face for review while the report is open, and suspends nothing back to normal', async () => {
    const personId = await personIdOf(h, 'zhang')
    await h.test.store.db.updateTable('persons').set({ benefit_status: 'suspended', suspended_since: '2026-11-01' }).where('id', '=', personId).execute()
    await flag(personId, 'open')
    const child = newCaller()
    const { relativeId } = (await h.post('/v1/relatives/add', addBody(child, 'zhang', 'mother'))).json()
    const { session, result, status } = await certify(h, child, { relativeId })
    expect(status).toBe(200)
    expect(result).toMatchObject({ result: 'pending_review' })
    const person = await h.test.store.db.selectFrom('persons').select(['benefit_status', 'suspended_since']).where('id', '=', personId).executeTakeFirstOrThrow()
    expect(person).toEqual({ benefit_status: 'suspended', suspended_since: '2026-11-01' })
    const held = (await auditOf(h, 'certification.held_for_review')).filter((a) => a.detail.sessionId === session.sessionId)
    expect(held).toHaveLength(1)
    expect(held[0]).toMatchObject({ subject_person_id: personId, detail: { reason: 'death_report_open' } })
    // The reviewer reads the hold as the reason it came to review.
    const done = (await auditOf(h, 'certification.completed')).filter((a) => a.detail.sessionId === session.sessionId)
    expect(done[0]?.detail).toMatchObject({ result: 'pending_review', holdReason: 'death_report_open' })
  })

  it('passes as usual once the agency has closed the report', async () => {
    const personId = await personIdOf(h, 'li')
    await flag(personId, 'closed')
    const child = newCaller()
    const { relativeId } = (await h.post('/v1/relatives/add', addBody(child, 'li', 'father'))).json()
    const { session, result } = await certify(h, child, { relativeId })
    expect(result).toMatchObject({ result: 'passed' })
    expect((await auditOf(h, 'certification.held_for_review')).filter((a) => a.detail.sessionId === session.sessionId)).toHaveLength(0)
  })
})
