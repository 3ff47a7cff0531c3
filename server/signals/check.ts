/**
 * Reading and checking a signals file (个人编号 or 身份证号, 来源, 发生日期) with the roster import's
 * pieces: encoding detection (UTF-8, BOM, GBK), the CSV reader, the date format, the row errors and
 * their report (server/roster/). Persons are matched by 个人编号 or by the ID number's blind index
 * (persons.id_number_hash): the roster is never decrypted. Nothing is written here.
 */
import { ERROR_MESSAGES } from '../../src/core/errors'
import { validateIdNumber } from '../../src/core/id-number'
import { parseSignalSource, type SignalSource } from '../../src/core/silent-certification'
import { idNumberHash } from '../crypto/pii-fields'
import type { PiiCipher } from '../crypto/pii'
import type { Db } from '../repositories/types'
import { parseRosterDate, type RowError } from '../roster/columns'
import { decodeAs, detectRosterEncoding, type RosterEncoding } from '../roster/decode'
import { BROKEN_CSV_REASON, EMPTY_FILE_REASON, parseCsvRecords, type CsvRecord } from '../roster/parse'

export const SIGNAL_COLUMNS = { personNo: '个人编号', idNumber: '身份证号', source: '来源', occurredOn: '发生日期' } as const

/** Unknown and out-of-scope persons get the same words: a row never tells whether someone exists elsewhere. */
export const UNKNOWN_PERSON_REASON = '名册中查无此人（或不在本机构管辖地区），请核对个人编号或身份证号'

export interface CheckedSignal {
  line: number
  personId: string
  source: SignalSource
  occurredOn: string
}

export interface SignalCheck {
  encoding: RosterEncoding
  /** The whole file is unusable (no header, missing columns, broken CSV). */
  fatal: RowError[]
  /** Data rows read. */
  total: number
  rows: CheckedSignal[]
  /** Row errors, by line. */
  errors: RowError[]
  /** Rows refused (a row may have several errors). */
  rejected: number
}

export interface CheckOptions {
  pii: PiiCipher
  /** Today (Beijing, YYYY-MM-DD): later dates are refused. */
  today: string
  /** Only persons whose region_code starts with this ('' = all). */
  regionPrefix: string
  onProgress?: (done: number, total: number) => void
}

interface PersonKey {
  id: string
  region_code: string
}

/** 2026-03-15, 2026/3/15 (the roster's formats) or 20260315 (as some departments' systems write it). */
export function parseSignalDate(cell: string): string | undefined {
  const v = cell.trim()
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(v)
  return parseRosterDate(compact ? `${compact[1]}-${compact[2]}-${compact[3]}` : v)
}

async function personIndex(db: Db): Promise<{ byNo: Map<string, PersonKey>; byIdHash: Map<string, PersonKey> }> {
  const rows = await db.selectFrom('persons').select(['id', 'person_no', 'id_number_hash', 'region_code']).execute()
  const byNo = new Map<string, PersonKey>()
  const byIdHash = new Map<string, PersonKey>()
  for (const r of rows) {
    const key = { id: r.id, region_code: r.region_code }
    byNo.set(r.person_no, key)
    byIdHash.set(r.id_number_hash, key)
  }
  return { byNo, byIdHash }
}

export async function checkSignalsBytes(db: Db, bytes: Buffer, opts: CheckOptions): Promise<SignalCheck> {
  const { encoding, body } = detectRosterEncoding(bytes)
  const fail = (fatal: RowError[]): SignalCheck => ({ encoding, fatal, total: 0, rows: [], errors: [], rejected: 0 })
  let records: CsvRecord[]
  try {
    records = parseCsvRecords(decodeAs(body, encoding).replace(/^\uFEFF/, ''))
  } catch (err) {
    return fail([{ line: (err as { lines?: number }).lines ?? 0, column: '', reason: BROKEN_CSV_REASON }])
  }
  if (records.length === 0) return fail([{ line: 1, column: '', reason: EMPTY_FILE_REASON }])
  const header = records[0].record.map((h) => h.replace(/^\uFEFF/, '').trim())
  const at = {
    personNo: header.indexOf(SIGNAL_COLUMNS.personNo),
    idNumber: header.indexOf(SIGNAL_COLUMNS.idNumber),
    source: header.indexOf(SIGNAL_COLUMNS.source),
    occurredOn: header.indexOf(SIGNAL_COLUMNS.occurredOn),
  }
  const fatal: RowError[] = []
  const headerLine = records[0].info.lines
  if (at.personNo < 0 && at.idNumber < 0) fatal.push({ line: headerLine, column: '个人编号/身份证号', reason: '缺少“个人编号”或“身份证号”列（至少要有一列）' })
  if (at.source < 0) fatal.push({ line: headerLine, column: SIGNAL_COLUMNS.source, reason: `缺少“${SIGNAL_COLUMNS.source}”列` })
  if (at.occurredOn < 0) fatal.push({ line: headerLine, column: SIGNAL_COLUMNS.occurredOn, reason: `缺少“${SIGNAL_COLUMNS.occurredOn}”列` })
  if (fatal.length > 0) return fail(fatal)

  const { byNo, byIdHash } = await personIndex(db)
  const total = records.length - 1
  const rows: CheckedSignal[] = []
  const errors: RowError[] = []
  let rejected = 0
  const firstLineOf = new Map<string, number>()
  const cell = (r: CsvRecord, i: number): string => (i >= 0 ? (r.record[i] ?? '').trim() : '')
  for (let k = 1; k < records.length; k++) {
    const r = records[k]
    const line = r.info.lines
    const rowErrors: RowError[] = []
    const personNo = cell(r, at.personNo)
    const idCell = cell(r, at.idNumber)
    let person: PersonKey | undefined
    let identified = true
    if (!personNo && !idCell) {
      rowErrors.push({ line, column: at.personNo >= 0 ? SIGNAL_COLUMNS.personNo : SIGNAL_COLUMNS.idNumber, reason: '个人编号和身份证号都是空的，至少要填一项' })
      identified = false
    } else {
      let byId: PersonKey | undefined
      let idValid = true
      if (idCell) {
        const id = validateIdNumber(idCell, opts.today)
        if (id.valid) byId = byIdHash.get(idNumberHash(opts.pii, id.idNumber))
        else {
          idValid = false
          rowErrors.push({ line, column: SIGNAL_COLUMNS.idNumber, reason: ERROR_MESSAGES[id.reason] })
        }
      }
      const byPersonNo = personNo ? byNo.get(personNo) : undefined
      if (personNo && idCell && idValid && byPersonNo && byId && byPersonNo.id !== byId.id) {
        rowErrors.push({ line, column: SIGNAL_COLUMNS.idNumber, reason: '个人编号和身份证号不是同一个人，请核对' })
      } else if (idValid) {
        person = byPersonNo ?? byId
        if (personNo && !byPersonNo && idCell && byId) person = undefined // a 个人编号 that is not on the roster is an error even with a known ID
        if (!person || !person.region_code.startsWith(opts.regionPrefix)) {
          person = undefined
          rowErrors.push({ line, column: personNo ? SIGNAL_COLUMNS.personNo : SIGNAL_COLUMNS.idNumber, reason: UNKNOWN_PERSON_REASON })
        }
      }
    }
    const sourceCell = cell(r, at.source)
    const source = parseSignalSource(sourceCell)
    if (!source) rowErrors.push({ line, column: SIGNAL_COLUMNS.source, reason: sourceCell ? '来源不认识，应为 医保结算、交通出行、民政、公安、殡葬 或 死亡' : '来源不能为空' })
    const dateCell = cell(r, at.occurredOn)
    const occurredOn = parseSignalDate(dateCell)
    if (!occurredOn) rowErrors.push({ line, column: SIGNAL_COLUMNS.occurredOn, reason: dateCell ? '发生日期无效，应为 2026-03-15、2026/3/15 或 20260315 的格式' : '发生日期不能为空' })
    else if (occurredOn > opts.today) rowErrors.push({ line, column: SIGNAL_COLUMNS.occurredOn, reason: '发生日期不能晚于今天' })
    if (rowErrors.length === 0 && identified && person && source && occurredOn) {
      const key = `${person.id}|${source}|${occurredOn}`
      const first = firstLineOf.get(key)
      if (first !== undefined) rowErrors.push({ line, column: '', reason: `与第 ${first} 行重复（同一人、同一来源、同一天）` })
      else {
        firstLineOf.set(key, line)
        rows.push({ line, personId: person.id, source, occurredOn })
      }
    }
    if (rowErrors.length > 0) {
      rejected++
      for (const e of rowErrors) errors.push(e)
    }
    if (k % 50_000 === 0) {
      opts.onProgress?.(k, total)
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
  }
  opts.onProgress?.(total, total)
  return { encoding, fatal: [], total, rows, errors, rejected }
}
