/**
 * Table types for Kysely. Ids are text we generate (no auto-increment: it differs between SQLite
 * and PostgreSQL); times are ISO-8601 UTC strings we write ourselves; dates are YYYY-MM-DD.
 */
import type { InsuranceType } from '../../src/core/insurance'
import type { Performer, RecordChannel, RecordMethod, RecordResult } from '../../src/core/contracts/common'
import type { ReminderStatus } from '../../src/core/contracts/reminders'

export interface PersonsTable {
  id: string
  person_no: string
  /** Name, ID number and card number sealed together: PiiCipher.sealPerson / openPerson. */
  pii_enc: string
  name_masked: string
  id_number_hash: string
  id_number_masked: string
  /** Migration 016: blind index of the normalised name (nameHash); NULL until the start-up backfill reaches it. */
  name_hash: string | null
  insurance_type: InsuranceType
  employer: string
  benefit_status: 'normal' | 'suspended'
  suspended_since: string | null
  last_certified_on: string | null
  /** The roster's own 上次认证日期 as last imported (shown as 历史数据导入); last_certified_on also moves with in-app passes. */
  roster_certified_on: string | null
  region_code: string
  enrolled_on: string
  key_version: string
  created_at: string
  updated_at: string
}

export interface AccountsTable {
  id: string
  platform: 'wechat' | 'local'
  openid: string
  created_at: string
  last_seen_at: string
}

export interface BindingsTable {
  id: string
  account_id: string
  person_id: string
  relation: 'self'
  bound_at: string
  unbound_at: string | null
  method: 'manual' | 'ssc'
  created_at: string
}

export interface CertificationRecordsTable {
  id: string
  person_id: string
  certified_at: string
  result: RecordResult
  method: RecordMethod
  channel: RecordChannel
  performed_by: Performer
  performer_account_id: string | null
  created_at: string
  /** performed_by 'relative': the relation recorded by the performer (father/mother/spouse/other). */
  performer_relation: string | null
  /** 'share' / 'notice' when the certification was started from a share card or a printed notice. */
  via: 'share' | 'notice' | null
  /** Migration 016: a reviewer's decision on a pending_review record (ISO time, agency user id, reason code, note ≤ 200). */
  decided_at: string | null
  decided_by: string | null
  decision_reason: string | null
  decision_note: string | null
  /** Migration 016: an offline record (线下认证登记): the clerk, where, and how the person was verified. */
  performer_agency_user_id: string | null
  offline_place: string | null
  offline_verified_how: 'id_card' | 'video' | 'home_visit' | null
  /** Migration 016: the clerk's request id of an offline record (a retry gives the same record). */
  agency_request_id: string | null
}

export interface AuditLogTable {
  id: string
  at: string
  actor_type: 'account' | 'system' | 'import' | 'agency'
  actor_ref: string
  action: string
  subject_person_id: string | null
  /** JSON text; never holds personal data. */
  detail: string
}

/** The audit rows of reads (migration 021): audit_log's columns, only the primary key as index. */
export type ReadAuditLogTable = AuditLogTable

export interface UsedNoncesTable {
  nonce: string
  expires_at: string
}

/** Units taken of one limit in one fixed window (migration 010). */
export interface LimitCountersTable {
  key: string
  bucket: string
  used: number
  expires_at: string
}

/** Enrolled reference face of a person (local-face-match): the embedding, encrypted; never the photo. */
export interface FaceReferencesTable {
  id: string
  person_id: string
  /** "<key version>:<base64url(iv ‖ tag ‖ ciphertext of float32 LE array)>". */
  embedding_enc: string
  embedding_dims: number
  /** Which embedding model made it, e.g. "human-3.3.6/faceres"; references from another model are not compared. */
  model: string
  face_score: number
  source: 'cli' | 'roster'
  /** SHA-256 of the source photo file (provenance; the photo is not kept). */
  source_sha256: string
  enrolled_by: string
  key_version: string
  enrolled_at: string
  updated_at: string
}

/** verify_id issued by WeChat 人脸核身 2.0 for a certification session (no personal data). */
export interface IdentityWechatChecksTable {
  session_id: string
  out_seq_no: string
  verify_id: string
  expires_at: string
  created_at: string
}

/** A certification session (开始认证 → 完成认证): single-use, with the backend's challenge. */
export interface CertificationSessionsTable {
  id: string
  /** The account that runs the certification (performer_account_id of the record). */
  account_id: string
  performer: 'self' | 'relative' | 'unit_admin'
  /** The subject: whose certification this is. */
  person_id: string
  channel: 'weapp' | 'h5'
  /** Action names in order, comma-separated. */
  challenge: string
  /** sha256 hex of the nonce handed to the client. */
  nonce_hash: string
  /** JSON LivenessTimingConfig the client runs and the backend replays with. */
  liveness_config: string
  identity_kind: string
  /** JSON IdentityClientStep (no personal data). */
  identity_step: string
  status: 'open' | 'completed' | 'rejected'
  created_at: string
  expires_at: string
  completed_at: string | null
  record_id: string | null
  /** Why a completed session did not pass (engine or identity reason). */
  reason_code: string | null
  /** Error code a rejected (refused, burnt) session answers with again. */
  rejected_code: string | null
  /** sha256 of the submitted observation summary; unique, so a summary cannot complete two sessions. */
  summary_digest: string | null
  /** Fingerprint of the summary (src/core/liveness/fingerprint.ts), compared with later summaries of the same person. */
  summary_fingerprint: string | null
  /** JSON CertificationResultView returned again on a repeated completion. */
  answer: string | null
  /** performer 'relative': the relation the performer recorded (father/mother/spouse/other). */
  relation: string | null
  /** performer 'relative': the link (relatives.id) the session was started through. */
  relative_id: string | null
  /** How the subject was reached: 'share' (share card), 'notice' (printed notice code), or null. */
  via: 'share' | 'notice' | null
  /** The share token id or notice code of `via`. */
  via_ref: string | null
  /** Migration 019: performer 'unit_admin': the appointment the session was started under. */
  unit_appointment_id: string | null
}

/** 家人: an account's link to a roster person it helps certify. */
export interface RelativesTable {
  /** Opaque relative id handed to the client (random UUID). */
  id: string
  account_id: string
  person_id: string
  relation: 'father' | 'mother' | 'spouse' | 'other'
  created_at: string
  removed_at: string | null
}

/** A share card: the token handed out is `<id>.<HMAC(id)>`; the row says for whom and from whom. */
export interface ShareTokensTable {
  id: string
  relative_id: string
  sender_account_id: string
  person_id: string
  relation: string
  created_at: string
  expires_at: string
  revoked_at: string | null
  used_after_pass_at: string | null
}

/** A printed notice's code (scene `n=<code>`), one per person and cycle (year). */
export interface NoticeCodesTable {
  code: string
  person_id: string
  cycle: number
  region_code: string
  created_at: string
}

/** Subscribe-message credits of an account per template (docs/reminders.md). */
export interface ReminderSubscriptionsTable {
  account_id: string
  /** certDue | certificationResult | relativeCertified */
  template: string
  /** One-time credits left (each accept in wx.requestSubscribeMessage is one). */
  credits: number
  /** 1 = long-term subscription (government category): no credit needed. */
  long_term: number
  accepted_total: number
  updated_at: string
}

/** One message to send: UNIQUE (person_id, cycle, kind, recipient_account_id). */
export interface ReminderOutboxTable {
  id: string
  person_id: string
  /** Due month "2026-11" for due/overdue kinds; the certification record id for result notices. */
  cycle: string
  kind: string
  recipient_account_id: string
  template: string
  relation: 'self' | 'relative'
  /** REMINDER_STATUSES (docs/reminders.md § Sending). */
  status: ReminderStatus
  attempts: number
  next_attempt_at: string
  claim_token: string | null
  lease_until: string | null
  /** Written BEFORE the platform call; an attempted row is never handed out again. */
  attempted_at: string | null
  /** 1 while a one-time credit is reserved for this row. */
  credit_held: number
  record_id: string | null
  last_errcode: number | null
  last_error: string | null
  created_at: string
  updated_at: string
  done_at: string | null
}

export interface ReminderSweepsTable {
  day: string
  started_at: string
  finished_at: string | null
  inserted: number
}

/** What the local openapi adapter would have pushed (developer 消息发件箱); data is JSON text. */
export interface LocalMessageInboxTable {
  id: string
  touser: string
  template_id: string
  page: string
  data: string
  miniprogram_state: string
  lang: string
  received_at: string
}

/** A console user of the social-security office (migration 015). Booleans are 0/1. */
export interface AgencyUsersTable {
  id: string
  username: string
  display_name: string
  role: 'clerk' | 'reviewer' | 'admin'
  /** 行政区划 prefix the user may see; '' = the whole deployment. */
  region_prefix: string
  /** argon2id PHC string. */
  password_hash: string
  /** Sealed base32 TOTP secret (server/agency/secret-cipher.ts); set at enrolment, confirmed by totp_enrolled_at. */
  totp_secret_enc: string | null
  totp_enrolled_at: string | null
  /** Last TOTP time step accepted: a code of that step or an earlier one is refused (no reuse). */
  totp_last_step: number | null
  must_change_password: number
  failed_count: number
  locked_until: string | null
  disabled_at: string | null
  created_at: string
  /** Agency user id of the creator, or 'cli' / 'demo'. */
  created_by: string
  updated_at: string
}

/** A console session; id = SHA-256 hex of the cookie's token (migration 015). */
export interface AgencySessionsTable {
  id: string
  user_id: string
  csrf_token: string
  created_at: string
  last_seen_at: string
  /** Absolute end, whatever the activity. */
  expires_at: string
  /** 0 while the TOTP step (or enrolment) is pending: such a session can only finish signing in. */
  second_factor_done: number
  revoked_at: string | null
}

/** An agency export (migration 017): results for the core pension system, or the overdue list. */
export interface AgencyExportsTable {
  id: string
  kind: 'results' | 'overdue'
  region_prefix: string
  /** Agency user id. */
  created_by: string
  created_at: string
  /** results: the change stamps covered, (cursor_from, cursor_to]; '' = from the beginning. NULL for overdue. */
  cursor_from: string | null
  cursor_to: string | null
  /** JSON of the overdue filters ('{}' for results); no personal data. */
  filters: string
  status: 'building' | 'ready' | 'failed'
  rows_total: number | null
  rows_done: number
  row_count: number | null
  sha256_csv_utf8: string | null
  sha256_csv_gbk: string | null
  sha256_xlsx: string | null
  error_code: string | null
  finished_at: string | null
}

/** A built export file, sealed (it holds full names and ID numbers). */
export interface AgencyExportFilesTable {
  export_id: string
  format: 'csv-utf8' | 'csv-gbk' | 'xlsx'
  sha256: string
  bytes: number
  body_enc: string
}

/** A roster CSV uploaded from the console (migration 017): staged, checked, imported on confirm. */
export interface AgencyImportsTable {
  id: string
  created_by: string
  region_prefix: string
  created_at: string
  updated_at: string
  filename: string
  encoding: string | null
  sha256: string
  bytes: number
  status: 'staged' | 'validated' | 'failed' | 'imported'
  rows_total: number | null
  rows_done: number
  inserted: number
  updated: number
  unchanged: number
  rejected: number
  error_count: number
  /** JSON RowError[] (line, column, reason; never a cell's value). */
  errors_json: string
  /** The uploaded bytes, sealed; NULL once imported. */
  body_enc: string | null
  finished_at: string | null
}

/** 我要申诉 / 申请上门认证 (migration 018): at most one open appeal per person. */
export interface AppealsTable {
  id: string
  person_id: string
  filed_by_account_id: string
  filed_for: 'self' | 'relative'
  relative_id: string | null
  kind: 'appeal' | 'home_visit'
  reason: 'face_failed' | 'bedridden' | 'no_smartphone' | 'other'
  note: string | null
  /** Sealed with the PII key (field 'phone'); phone_masked is what screens show. */
  phone_enc: string
  phone_masked: string
  /** 上门 only, sealed (field 'address'). */
  address_enc: string | null
  state: 'submitted' | 'processing' | 'visit_scheduled' | 'completed' | 'rejected'
  assigned_to: string | null
  visit_date: string | null
  visit_staff: string | null
  outcome: 'certified' | 'not_certified' | null
  /** certified: where it was done ('home_visit' 上门 or 'counter' 窗口). */
  close_method: 'home_visit' | 'counter' | null
  reject_reason: string | null
  record_id: string | null
  /** SLA date (Beijing YYYY-MM-DD). */
  due_on: string
  created_at: string
  updated_at: string
  closed_at: string | null
}

/** 静默认证 signals (migration 020): one row per imported file (CLI or console upload). */
export interface SignalImportsTable {
  id: string
  actor_type: 'import' | 'agency'
  actor_ref: string
  /** The uploader's region prefix ('' for the CLI: every region). */
  region_prefix: string
  filename: string
  encoding: string | null
  sha256: string
  bytes: number
  status: 'staged' | 'validated' | 'failed' | 'imported'
  rows_total: number | null
  rows_done: number
  inserted: number
  /** Rows already stored by an earlier import (the same file again changes nothing). */
  already_known: number
  rejected: number
  certified: number
  flagged: number
  error_count: number
  /** JSON RowError[] (line, column, reason; never a cell's value). */
  errors_json: string
  /** A staged console upload's bytes, sealed; NULL once imported. */
  body_enc: string | null
  created_at: string
  updated_at: string
  finished_at: string | null
}

/** Migration 020: one evidence-of-life (or death) signal; UNIQUE (person_id, source, occurred_on). */
export interface LifeSignalsTable {
  id: string
  person_id: string
  source: import('../../src/core/silent-certification').SignalSource
  occurred_on: string
  imported_in: string
  created_at: string
}

/** Migration 020: persons flagged for agency review by a death/殡葬 signal or a conflict; UNIQUE (person_id, reason). */
export interface SignalReviewsTable {
  id: string
  person_id: string
  reason: 'death' | 'conflict'
  source: string
  occurred_on: string
  import_id: string
  status: 'open' | 'closed'
  created_at: string
}

/** 单位专管员 (migration 019): an account appointed to certify one unit's retirees in a region. */
export interface UnitAdminAppointmentsTable {
  id: string
  /** The mini-program account, once it claimed the invitation code. */
  account_id: string | null
  /** persons.employer exactly as on the roster (单位名称). */
  unit_name: string
  region_prefix: string
  /** The agency admin who appointed. */
  appointed_by: string
  appointed_at: string
  expires_at: string
  /** sha256 hex of the one-time invitation code. */
  invite_code_hash: string
  invite_expires_at: string
  claimed_at: string | null
  revoked_at: string | null
  revoked_by: string | null
}

export interface Database {
  persons: PersonsTable
  accounts: AccountsTable
  bindings: BindingsTable
  certification_records: CertificationRecordsTable
  audit_log: AuditLogTable
  read_audit_log: ReadAuditLogTable
  used_nonces: UsedNoncesTable
  face_references: FaceReferencesTable
  identity_wechat_checks: IdentityWechatChecksTable
  certification_sessions: CertificationSessionsTable
  relatives: RelativesTable
  share_tokens: ShareTokensTable
  notice_codes: NoticeCodesTable
  reminder_subscriptions: ReminderSubscriptionsTable
  reminder_outbox: ReminderOutboxTable
  reminder_sweeps: ReminderSweepsTable
  local_message_inbox: LocalMessageInboxTable
  limit_counters: LimitCountersTable
  agency_users: AgencyUsersTable
  agency_sessions: AgencySessionsTable
  agency_exports: AgencyExportsTable
  agency_export_files: AgencyExportFilesTable
  agency_imports: AgencyImportsTable
  unit_admin_appointments: UnitAdminAppointmentsTable
  appeals: AppealsTable
  signal_imports: SignalImportsTable
  life_signals: LifeSignalsTable
  signal_reviews: SignalReviewsTable
}

export type Dialect = 'sqlite' | 'postgres'
