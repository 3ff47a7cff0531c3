/**
 * The label maps behind the console's person page (刷脸过程 and 提醒): each covers exactly the values
 * the store, the identity port and the certification service write (checked by the compiler below),
 * and every label is plain words: not empty, not the code again. An unknown stored code (an old row)
 * reads as the code itself, never blank.
 */
import {
  CERT_REASON_LABELS,
  IDENTITY_KIND_LABELS,
  IDENTITY_KINDS,
  SESSION_REJECTED_CODES,
  SESSION_REJECTED_LABELS,
  SESSION_STATE_LABELS,
  SESSION_STATES,
  sessionStateOf,
  type CertReasonCode,
  type IdentityKind,
  type SessionRejectedCode,
} from '../../../../src/core/contracts/certification'
import { labelOf, PERFORMER_LABELS, RECORD_CHANNEL_LABELS } from '../../../../src/core/contracts/common'
import { reminderKindLabel, REMINDER_FIXED_KINDS, REMINDER_KIND_LABELS, REMINDER_RECIPIENT_LABELS, REMINDER_STATUS_LABELS, REMINDER_STATUSES, type ReminderStatus } from '../../../../src/core/contracts/reminders'
import type { FailReason } from '../../../../src/core/liveness/session/texts'
import type { CertificationSessionsTable, ReminderOutboxTable } from '../../../../server/db/schema'
import type { IdentityRejectReason, IdentityVerifier } from '../../../../server/identity/port'

// ── Compile-time: each union is the same set on both sides (a new value on either side fails tsc). ──
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const sameStatuses: Same<ReminderStatus, ReminderOutboxTable['status']> = true
const sameKinds: Same<IdentityKind, IdentityVerifier['kind']> = true
const sameRecipients: Same<keyof typeof REMINDER_RECIPIENT_LABELS, ReminderOutboxTable['relation']> = true
// Every reason a completed session stores: the engine's and the identity port's (mapped 1:1).
const sameReasons: Same<CertReasonCode, FailReason | IdentityRejectReason> = true
// Every session channel and performer the store holds has a label in the shared maps.
const channelsCovered: Record<CertificationSessionsTable['channel'], string> = RECORD_CHANNEL_LABELS
const performersCovered: Record<CertificationSessionsTable['performer'], string> = PERFORMER_LABELS
// markSessionRejected takes a SessionRejectedCode only, so every stored rejected_code has a label.
const rejectedCovered: Record<SessionRejectedCode, string> = SESSION_REJECTED_LABELS

const MAPS: [string, Readonly<Record<string, string>>][] = [
  ['session state', SESSION_STATE_LABELS],
  ['identity kind', IDENTITY_KIND_LABELS],
  ['reason', CERT_REASON_LABELS],
  ['rejected code', SESSION_REJECTED_LABELS],
  ['reminder kind', REMINDER_KIND_LABELS],
  ['reminder status', REMINDER_STATUS_LABELS],
  ['reminder recipient', REMINDER_RECIPIENT_LABELS],
]

describe('person page labels', () => {
  test('the compile-time checks above hold', () => {
    expect([sameStatuses, sameKinds, sameRecipients, sameReasons]).toEqual([true, true, true, true])
    expect(Object.keys(channelsCovered)).toEqual(expect.arrayContaining(['weapp', 'h5']))
    expect(Object.keys(performersCovered)).toEqual(expect.arrayContaining(['self', 'relative', 'unit_admin']))
    expect(Object.keys(rejectedCovered).sort()).toEqual([...SESSION_REJECTED_CODES].sort())
  })

  test.each(MAPS)('every %s label is Chinese words, not empty, not the code', (_, labels) => {
    for (const [code, label] of Object.entries(labels)) {
      expect(label.trim()).not.toBe('')
      expect(label).not.toBe(code)
      expect(label).toMatch(/[\u4e00-\u9fff]/)
    }
  })

  test('the lists and the maps name the same values', () => {
    expect(Object.keys(SESSION_STATE_LABELS).sort()).toEqual([...SESSION_STATES].sort())
    expect(Object.keys(IDENTITY_KIND_LABELS).sort()).toEqual([...IDENTITY_KINDS].sort())
    expect(Object.keys(REMINDER_KIND_LABELS).sort()).toEqual([...REMINDER_FIXED_KINDS].sort())
    expect(Object.keys(REMINDER_STATUS_LABELS).sort()).toEqual([...REMINDER_STATUSES].sort())
  })

  test('cancelled and refused never read the same', () => {
    expect(SESSION_STATE_LABELS.cancelled).not.toBe(SESSION_STATE_LABELS.refused)
    expect(new Set(Object.values(SESSION_STATE_LABELS)).size).toBe(SESSION_STATES.length)
    expect(new Set(Object.values(REMINDER_STATUS_LABELS)).size).toBe(REMINDER_STATUSES.length)
  })

  test('a session state from its stored columns', () => {
    const at = (iso: string) => Date.parse(iso)
    const base = { reasonCode: null, rejectedCode: null, expiresAt: '2026-11-20T03:10:00.000Z' }
    expect(sessionStateOf({ ...base, status: 'open' }, at('2026-11-20T03:05:00.000Z'))).toBe('open')
    expect(sessionStateOf({ ...base, status: 'open' }, at('2026-11-20T03:11:00.000Z'))).toBe('expired')
    expect(sessionStateOf({ ...base, status: 'completed' }, 0)).toBe('completed')
    expect(sessionStateOf({ ...base, status: 'completed', reasonCode: 'no_liveness' }, 0)).toBe('failed')
    expect(sessionStateOf({ ...base, status: 'rejected', rejectedCode: 'SESSION_CANCELLED' }, 0)).toBe('cancelled')
    expect(sessionStateOf({ ...base, status: 'rejected', rejectedCode: 'TRACE_REUSED' }, 0)).toBe('refused')
    expect(sessionStateOf({ ...base, status: 'rejected' }, 0)).toBe('refused')
  })

  test('reminder kinds: due_<N> by its days, the fixed kinds by the map, an unknown kind as stored', () => {
    expect(reminderKindLabel('due_30')).toBe('到期前 30 天提醒')
    expect(reminderKindLabel('due_1')).toBe('到期前 1 天提醒')
    expect(reminderKindLabel('due_0')).toBe('到期当天提醒')
    expect(reminderKindLabel('overdue_1')).toBe('逾期提醒')
    expect(reminderKindLabel('relative_result')).toBe('家人认证完成通知')
    expect(reminderKindLabel('due_soon')).toBe('due_soon')
  })

  test('labelOf: an unknown code (or an inherited property name) reads as the code itself', () => {
    expect(labelOf(REMINDER_STATUS_LABELS, 'sent')).toBe('已发送')
    expect(labelOf(REMINDER_STATUS_LABELS, 'retired_status')).toBe('retired_status')
    expect(labelOf(IDENTITY_KIND_LABELS, 'constructor')).toBe('constructor')
    expect(labelOf(IDENTITY_KIND_LABELS, 'toString')).toBe('toString')
  })
})
