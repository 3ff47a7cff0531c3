/**
 * The CPU-heavy half of a roster import, with no database: each raw row is checked, blind-indexed and
 * encrypted into a flat list of strings. It runs on the import's own thread for small files and in
 * worker threads for large ones (prepare-pool.ts); the writing half (import.ts) reads the same layout.
 */
import { nextCycle, type CyclePolicy } from '../../src/core/cycle'
import { maskIdNumber, maskName } from '../../src/core/mask'
import type { PiiCipher } from '../crypto/pii'
import { copyCells, CopyRows, escapeCell } from '../repositories/person-bulk/copy-text'
import { idNumberHash, nameHash } from '../crypto/pii-fields'
import { boundedMemo } from '../support/bounded-memo'
import { ROSTER_CODEC, ROSTER_FIELDS, type RawRosterRow, type RosterField, type RowError } from './columns'
import { validateRosterRow, type RosterRow } from './validate'

/**
 * The prepared-row layout, generated from the codec (columns.ts): a row is WIDTH consecutive strings.
 *  1. the sealed columns without a blind index, in plain (name, card number): only compared with an
 *     existing person on re-import, never written;
 *  2. the persons columns, from PERSON_AT: pii_enc, the name's blind index and the masks (derived from the sealed columns),
 *     each 'plain' codec column in its storage column, then the columns derived from the row
 *     (suspended_since, roster_certified_on).
 * 个人编号 ('key') and the ID-number blind index travel apart (PreparedChunk.personNos / idHashes).
 */
export interface Slot {
  /** The codec field whose value the slot holds, if any. */
  field?: RosterField
  /** The persons column written from the slot; undefined for the compare-only ones. */
  column?: string
  /** '' stands for NULL. */
  nullable: boolean
  /** Compared with the stored person on re-import. */
  compared: boolean
}

const SEALED_COMPARED = ROSTER_FIELDS.filter((f) => ROSTER_CODEC[f].protection === 'sealed' && !ROSTER_CODEC[f].blindIndex)
const PLAIN = ROSTER_FIELDS.filter((f) => ROSTER_CODEC[f].protection === 'plain')

export const SLOTS: readonly Slot[] = [
  ...SEALED_COMPARED.map((field) => ({ field, nullable: false, compared: true })),
  { column: 'pii_enc', nullable: false, compared: false },
  /** Blind index of the name (persons.name_hash, the console's name search); follows the sealed name. */
  { column: 'name_hash', nullable: false, compared: false },
  { column: 'name_masked', nullable: false, compared: false },
  { column: 'id_number_masked', nullable: false, compared: false },
  ...PLAIN.map((field) => ({ field, column: ROSTER_CODEC[field].storage!, nullable: ROSTER_CODEC[field].nullable === true, compared: true })),
  /** Since when benefits are suspended, for a person new to the roster. */
  { column: 'suspended_since', nullable: true, compared: false },
  /** The roster's 上次认证日期 as given; last_certified_on is the same for a new person. */
  { column: 'roster_certified_on', nullable: true, compared: true },
]
export const WIDTH = SLOTS.length
/** Where the persons columns start. */
export const PERSON_AT = SEALED_COMPARED.length
/** The persons columns a prepared row carries, in slot order from PERSON_AT. */
export const PREPARED_PERSON_COLUMNS: readonly string[] = SLOTS.slice(PERSON_AT).map((s) => s.column!)
/** For each of those, whether '' stands for NULL. */
export const PREPARED_NULLABLE: readonly boolean[] = SLOTS.slice(PERSON_AT).map((s) => s.nullable)
/** Slot of a field or persons column. */
export const slotOf = (key: string): number => SLOTS.findIndex((s) => s.field === key || s.column === key)
/** The compare-only sealed fields with their slots (re-import compares them with the opened pii_enc). */
export const SEALED_SLOTS: readonly { field: RosterField; at: number }[] = SEALED_COMPARED.map((field, at) => ({ field, at }))

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
  /**
   * With PrepareContext.encoding: each valid row's persons columns after the id — 个人编号, the
   * ID-number blind index, then the prepared ones from PERSON_AT (ENCODED_COLUMNS) — already encoded
   * for the bulk writer (PersonBulkWriter.insertEncoded), row after row: row i is
   * encoded[encodedEnds[i - 1] ?? 0, encodedEnds[i]). The importing thread only adds the id.
   */
  encoded?: Buffer
  encodedEnds?: Int32Array
}

/** The persons columns of an encoded row, in order (PreparedChunk.encoded). */
export const ENCODED_COLUMNS: readonly string[] = ['person_no', 'id_number_hash', ...PREPARED_PERSON_COLUMNS]

/** Length of a blind index (hex HMAC-SHA256). */
export const HASH_CHARS = 64

export interface PrepareContext {
  pii: PiiCipher
  /** Today in Beijing time (YYYY-MM-DD). */
  today: string
  cyclePolicy: CyclePolicy
  /** The store's bulk encoding (repositories/person-bulk personBulkEncoding), if any. */
  encoding?: 'copy-text'
}

export class RosterPreparer {
  /** Only a few hundred distinct dates occur in a roster: each converted once. */
  private readonly overdueFrom: (lastCertifiedOn: string) => string

  constructor(private readonly ctx: PrepareContext) {
    this.overdueFrom = boundedMemo((d: string) => nextCycle(d, ctx.cyclePolicy).overdueFrom, 10_000)
  }

  /** Since when a suspended person new to the roster is suspended: when their cycle ran out, else today. */
  private suspendedSince(row: RosterRow): string {
    if (row.lastCertifiedOn) {
      const overdueFrom = this.overdueFrom(row.lastCertifiedOn)
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
    const encoded = this.ctx.encoding ? new CopyRows() : undefined
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
      // In SLOTS order.
      for (const f of SEALED_COMPARED) values.push(row[f] as string)
      values.push(pii.sealPerson(row), nameHash(pii, row.name), maskName(row.name), maskIdNumber(row.idNumber))
      for (const f of PLAIN) values.push((row[f] as string | null) ?? '')
      values.push(row.benefitStatus === 'suspended' ? this.suspendedSince(row) : '', row.lastCertifiedOn ?? '')
      if (encoded) encoded.add(`${escapeCell(row.personNo)}\t${escapeCell(idHash)}\t${copyCells(values, values.length - WIDTH + PERSON_AT, PREPARED_NULLABLE)}`)
    }
    const chunk: PreparedChunk = { rows, invalidRows, errors, lines: Int32Array.from(lines), values, personNos, idHashes: idHashes.join('') }
    if (encoded) ({ bytes: chunk.encoded, ends: chunk.encodedEnds } = encoded.finish())
    return chunk
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
