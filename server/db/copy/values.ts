/**
 * How one stored value is written into COPY's text format, and how it is reduced to a canonical
 * string for the checksums. Both sides of a copy go through canonical(): the SQLite value as
 * better-sqlite3 returns it, the PostgreSQL value as the server prints it (no pg type parsing), each
 * interpreted by the PostgreSQL column type, so equal stored values give equal strings.
 */
import { createHash } from 'node:crypto'

export type SqlValue = string | number | bigint | boolean | Buffer | null | undefined

const TRUE_VALUES = new Set<unknown>([1, 1n, true, 't', 'true', '1'])

/** One line of COPY text format needs these four characters escaped. */
function escapeCopyText(s: string): string {
  return /[\\\n\r\t]/.test(s) ? s.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t')) : s
}

/** A value as a field of COPY … FROM STDIN (text format) into a column of type `pgType` (udt_name). */
export function copyField(value: SqlValue, pgType: string): string {
  if (value === null || value === undefined) return '\\N'
  if (pgType === 'bool') return TRUE_VALUES.has(value) ? 't' : 'f'
  if (Buffer.isBuffer(value)) return pgType === 'bytea' ? `\\\\x${value.toString('hex')}` : escapeCopyText(value.toString('utf8'))
  if (typeof value === 'string') return escapeCopyText(value)
  return String(value)
}

function canonicalInteger(value: Exclude<SqlValue, null | undefined>): string {
  try {
    return BigInt(value as string | number | bigint | boolean).toString()
  } catch {
    // Not an integer at all (a fractional number): kept as printed, so it cannot match a real integer.
    return String(value)
  }
}

/** The canonical text of a non-null value read from either store for a column of type `pgType`. */
export function canonicalValue(value: Exclude<SqlValue, null | undefined>, pgType: string): string {
  switch (pgType) {
    case 'int2':
    case 'int4':
    case 'int8':
      return canonicalInteger(value)
    // PostgreSQL keeps a real in 32 bits: the source's double is compared at that precision, which is
    // exactly what the backend itself stores on PostgreSQL.
    case 'float4':
      return String(Math.fround(Number(value)))
    case 'float8':
      return String(Number(value))
    case 'bool':
      return TRUE_VALUES.has(value) ? 't' : 'f'
    case 'bytea':
      if (Buffer.isBuffer(value)) return value.toString('hex')
      return String(value).replace(/^\\x/, '')
    default:
      return Buffer.isBuffer(value) ? value.toString('utf8') : String(value)
  }
}

/** One row as a string no two different rows share: every field length-prefixed, NULL distinct from ''. */
export function canonicalRow(row: readonly SqlValue[], pgTypes: readonly string[]): string {
  let out = ''
  for (let i = 0; i < row.length; i++) {
    const v = row[i]
    if (v === null || v === undefined) out += 'N;'
    else {
      const s = canonicalValue(v, pgTypes[i])
      out += `${s.length}:${s};`
    }
  }
  return out
}

const MOD = 1n << 256n

/**
 * Row count and checksum of one table: the sum, modulo 2^256, of the SHA-256 of every canonical row.
 * A sum does not depend on the order rows are read in, so neither side has to sort a million rows
 * (and SQLite and PostgreSQL would sort text differently anyway); any changed, missing or extra row
 * changes it.
 */
export class TableChecksum {
  rows = 0
  private sum = 0n

  constructor(private readonly pgTypes: readonly string[]) {}

  add(row: readonly SqlValue[]): void {
    this.rows++
    const digest = createHash('sha256').update(canonicalRow(row, this.pgTypes)).digest('hex')
    this.sum = (this.sum + BigInt(`0x${digest}`)) % MOD
  }

  get hex(): string {
    return this.sum.toString(16).padStart(64, '0')
  }
}
