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

export interface Database {
  persons: PersonsTable
  accounts: AccountsTable
  bindings: BindingsTable
  certification_records: CertificationRecordsTable
  audit_log: AuditLogTable
  used_nonces: UsedNoncesTable
}

export type Dialect = 'sqlite' | 'postgres'
