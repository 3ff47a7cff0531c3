/**
 * The CPU-heavy half of a roster import, with no database: each raw row is checked, blind-indexed and
 * encrypted into a flat list of strings. It runs on the import's own thread for small files and in
 * worker threads for large ones (prepare-pool.ts); the writing half (import.ts) reads the same layout.
 */
import { nextCycle, type CyclePolicy } from '../../src/core/cycle'
import { maskIdNumber, maskName } from '../../src/core/mask'
import type { PiiCipher } from '../crypto/pii'
import { idNumberHash } from '../crypto/pii-fields'
import type { RawRosterRow, RowError } from './columns'
import { validateRosterRow, type RosterRow } from './validate'

/**
 * The person columns a prepared row carries, in this order from position PERSON_AT. 个人编号 and the
 * ID-number blind index travel apart (PreparedChunk.personNos / idHashes).
 */
export const PREPARED_PERSON_COLUMNS = [
  'pii_enc', 'name_masked', 'id_number_masked',
  'insurance_type', 'employer', 'benefit_status', 'suspended_since', 'last_certified_on', 'region_code', 'roster_certified_on',
] as const
/** For each of those, whether '' stands for NULL (the date columns). */
export const PREPARED_NULLABLE: readonly boolean[] = PREPARED_PERSON_COLUMNS.map((c) => c === 'suspended_since' || c === 'last_certified_on' || c === 'roster_certified_on')

/** Positions of a prepared row's values; a row is WIDTH consecutive strings. */
export const P = {
  /** The plain name and card number, only to compare with an existing person on re-import (never written). */
  name: 0,
  cardNumber: 1,
  piiEnc: 2,
  insuranceType: 5,
  employer: 6,
  benefitStatus: 7,
  /** Since when benefits are suspended, for a person new to the roster. */
  suspendedSince: 8,
  lastCertifiedOn: 9,
  regionCode: 10,
  /** The roster's 上次认证日期 as given (roster_certified_on); lastCertifiedOn is the same for a new person. */
  rosterCertifiedOn: 11,
} as const
/** Where PREPARED_PERSON_COLUMNS start. */
export const PERSON_AT = P.piiEnc
export const WIDTH = 12

/**
 * Rows per prepared piece: small enough to keep every thread busy, large enough to pay for a message.
 * The import reports progress once per piece (a per-row callback would redraw a bar a million times).
 */
export const ROWS_PER_PIECE = 1000

/** The prepared rows of one piece of a file, in line order. */
export interface PreparedChunk {
  /** Rows read, valid or not. */
  rows: number
  /** Rows refused by their own cells. */
  invalidRows: number
  /** Problems of the refused rows, in line order. */
  errors: RowError[]
  /** Line of each valid row. */
  lines: Int32Array
  /** WIDTH values per valid row. */
  values: string[]
  /**
   * The valid rows' 个人编号 and ID-number blind indexes (HASH_CHARS each, concatenated), apart from
   * `values`: the import keeps them as duplicate-check keys for the whole file, and a key cut out of
   * `values` would keep that whole piece of the file in memory with it.
   */
  personNos: string[]
  idHashes: string
}

/** Length of a blind index (hex HMAC-SHA256). */
export const HASH_CHARS = 64

export interface PrepareContext {
  pii: PiiCipher
  /** Today in Beijing time (YYYY-MM-DD). */
  today: string
  cyclePolicy: CyclePolicy
}

/** Only a few hundred distinct dates occur in a roster: convert each once. */
class DateCache {
  private readonly map = new Map<string, string>()
  constructor(private readonly convert: (date: string) => string) {}
  get(date: string): string {
    let v = this.map.get(date)
    if (v === undefined) {
      v = this.convert(date)
      if (this.map.size > 10_000) this.map.clear()
      this.map.set(date, v)
    }
    return v
  }
}

export class RosterPreparer {
  private readonly overdueFrom: DateCache

  constructor(private readonly ctx: PrepareContext) {
    this.overdueFrom = new DateCache((d) => nextCycle(d, ctx.cyclePolicy).overdueFrom)
  }

  /** Since when a suspended person new to the roster is suspended: when their cycle ran out, else today. */
  private suspendedSince(row: RosterRow): string {
    if (row.lastCertifiedOn) {
      const overdueFrom = this.overdueFrom.get(row.lastCertifiedOn)
      if (overdueFrom <= this.ctx.today) return overdueFrom
    }
    return this.ctx.today
  }

  prepare(raws: Iterable<RawRosterRow>): PreparedChunk {
    const { pii, today } = this.ctx
    const errors: RowError[] = []
    const lines: number[] = []
    const values: string[] = []
    const personNos: string[] = []
    const idHashes: string[] = []
    let rows = 0
    let invalidRows = 0
    for (const raw of raws) {
      rows++
      const { row, errors: rowErrors } = validateRosterRow(raw, today)
      if (!row) {
        invalidRows++
        for (const e of rowErrors) errors.push(e)
        continue
      }
      const idHash = idNumberHash(pii, row.idNumber)
      if (idHash.length !== HASH_CHARS) throw new Error('unexpected blind index length')
      lines.push(raw.line)
      personNos.push(row.personNo)
      idHashes.push(idHash)
      // P.name, P.cardNumber, then PREPARED_PERSON_COLUMNS.
      values.push(
        row.name,
        row.cardNumber,
        pii.sealPerson(row),
        maskName(row.name),
        maskIdNumber(row.idNumber),
        row.insuranceType,
        row.employer,
        row.benefitStatus,
        row.benefitStatus === 'suspended' ? this.suspendedSince(row) : '',
        row.lastCertifiedOn ?? '',
        row.regionCode,
        row.lastCertifiedOn ?? '',
      )
    }
    return { rows, invalidRows, errors, lines: Int32Array.from(lines), values, personNos, idHashes: idHashes.join('') }
  }
}

/**
 * Prepared values cross to the writing thread as ONE string (cheaper to pass than thousands of small
 * strings). The separator never occurs in a value: the checked cells admit no control characters and
 * everything else is hex, base64url, digits or fixed words.
 */
export const PACK_SEPARATOR = '\u001f'

export function packValues(values: string[]): string {
  return values.join(PACK_SEPARATOR)
}

export function unpackValues(packed: string): string[] {
  return packed === '' ? [] : packed.split(PACK_SEPARATOR)
}
