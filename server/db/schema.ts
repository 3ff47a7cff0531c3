/**
 * Table types for Kysely. Ids are text we generate (no auto-increment: it differs between SQLite
 * and PostgreSQL); times are ISO-8601 UTC strings we write ourselves; dates are YYYY-MM-DD.
 */
import type { InsuranceType } from '../../src/core/insurance'
import type { Performer, RecordChannel, RecordMethod, RecordResult } from '../../src/core/contracts/common'

export interface PersonsTable {
  id: string
  person_no: string
  name_enc: string
  name_masked: string
  id_number_enc: string
  id_number_hash: string
  id_number_masked: string
  card_number_enc: string
  card_number_hash: string
  insurance_type: InsuranceType
  employer: string
  benefit_status: 'normal' | 'suspended'
  suspended_since: string | null
  last_certified_on: string | null
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

export interface UsedNoncesTable {
  nonce: string
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
  /** JSON CertificationResultView returned again on a repeated completion. */
  answer: string | null
}

export interface Database {
  persons: PersonsTable
  accounts: AccountsTable
  bindings: BindingsTable
  certification_records: CertificationRecordsTable
  audit_log: AuditLogTable
  used_nonces: UsedNoncesTable
  face_references: FaceReferencesTable
  identity_wechat_checks: IdentityWechatChecksTable
  certification_sessions: CertificationSessionsTable
}

export type Dialect = 'sqlite' | 'postgres'
