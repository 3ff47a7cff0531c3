/**
 * The roster codec: every CSV column declared ONCE — its header, whether a file must have it, how a
 * cell is checked and normalised, how it is protected and where it is stored. Header indexing
 * (parse.ts), row checking (validate.ts), the prepared-row layout the worker threads fill and the
 * import writes (prepare.ts) and what a re-import compares and updates (import.ts) are all derived
 * from ROSTER_CODEC; adding a column is one entry here.
 */
import { CARD_NUMBER_PATTERN, NAME_PATTERN } from '../../src/core/contracts/binding'
import { ERROR_MESSAGES } from '../../src/core/errors'
import { validateIdNumber } from '../../src/core/id-number'
import { parseInsuranceType } from '../../src/core/insurance'
import { boundedMemo } from '../support/bounded-memo'

export interface CellContext {
  /** Today in Beijing time (YYYY-MM-DD): bounds dates and ID numbers' birth dates. */
  today: string
}

/** A checked cell's value, or why it is refused (Chinese, shown to the agency). */
export type CellResult<T> = { value: T } | { reason: string }

/**
 * How a column's value reaches the store:
 * - 'sealed': only inside persons.pii_enc (encrypted together with the other sealed columns);
 * - 'plain': as text in `storage`;
 * - 'key': the import's match key, travels apart from the prepared values (个人编号).
 */
export type Protection = 'sealed' | 'plain' | 'key'

export interface RosterColumn<T> {
  /** The header as the agency's core system exports it (column order does not matter). */
  header: string
  /**
   * false: a file may leave the column out. New persons then get the empty value, and persons already
   * on the roster keep what is stored for it (a file without the column says nothing about it).
   */
  required: boolean
  protection: Protection
  /** The persons column of a 'plain' value. */
  storage?: 'insurance_type' | 'employer' | 'benefit_status' | 'last_certified_on' | 'region_code'
  /** Looked up and compared by its keyed hash (persons.id_number_hash), never in plain. */
  blindIndex?: boolean
  /** A plain value stored as NULL when it is null (dates); otherwise it is stored as text. */
  nullable?: boolean
  /** Checks one cell ('' for an empty cell or an absent optional column) and normalises it. */
  parse(cell: string, ctx: CellContext): CellResult<T>
}

const column = <T>(c: RosterColumn<T>): RosterColumn<T> => c

/** Invisible control characters: never part of a real name or workplace (and the prepared-row packing relies on their absence). */
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/

const BENEFIT_STATUS: Record<string, 'normal' | 'suspended'> = { 正常: 'normal', 正常发放: 'normal', 暂停发放: 'suspended', 暂停: 'suspended' }

/** YYYY-MM-DD or YYYY/M/D → YYYY-MM-DD, or undefined if not a real date. */
export function parseRosterDate(value: string): string | undefined {
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(value)
  if (!m) return undefined
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}

/**
 * parseRosterDate remembered: a roster has a few hundred distinct dates over a million rows, and each
 * parse is a regular expression, a Date and three padded strings.
 */
const parseRosterDateOnce = boundedMemo(parseRosterDate, 4096)

export const ROSTER_CODEC = {
  personNo: column<string>({
    header: '个人编号',
    required: true,
    protection: 'key',
    parse(cell) {
      const v = cell.trim()
      if (!v) return { reason: '个人编号不能为空' }
      return /^[A-Za-z0-9_-]{1,32}$/.test(v) ? { value: v } : { reason: '个人编号只能由字母、数字组成，最长 32 位' }
    },
  }),
  name: column<string>({
    header: '姓名',
    required: true,
    protection: 'sealed',
    parse(cell) {
      const v = cell.trim()
      return NAME_PATTERN.test(v) ? { value: v } : { reason: v ? '姓名格式不对（应为 2–20 个汉字）' : '姓名不能为空' }
    },
  }),
  idNumber: column<string>({
    header: '身份证号',
    required: true,
    protection: 'sealed',
    blindIndex: true,
    parse(cell, ctx) {
      const id = validateIdNumber(cell, ctx.today)
      if (id.valid) return { value: id.idNumber }
      return { reason: cell.trim() ? ERROR_MESSAGES[id.reason] : '身份证号不能为空' }
    },
  }),
  cardNumber: column<string>({
    header: '社会保障卡号',
    required: true,
    protection: 'sealed',
    parse(cell) {
      const v = cell.trim().toUpperCase()
      return CARD_NUMBER_PATTERN.test(v) ? { value: v } : { reason: v ? '社会保障卡号格式不对（应为 9–20 位字母或数字）' : '社会保障卡号不能为空' }
    },
  }),
  employer: column<string>({
    header: '单位名称',
    // Residents' pensions (城乡居民) have no workplace, and some exports leave the column out.
    required: false,
    protection: 'plain',
    storage: 'employer',
    parse(cell) {
      const v = cell.trim()
      if (v.length > 100) return { reason: '单位名称过长（最多 100 字）' }
      if (CONTROL_CHARS.test(v)) return { reason: '单位名称含有看不见的控制字符，请在表格里重新输入' }
      return { value: v }
    },
  }),
  insuranceType: column<NonNullable<ReturnType<typeof parseInsuranceType>>>({
    header: '险种',
    required: true,
    protection: 'plain',
    storage: 'insurance_type',
    parse(cell) {
      const v = parseInsuranceType(cell)
      return v ? { value: v } : { reason: '险种不对，应为企业职工基本养老保险、机关事业单位养老保险或城乡居民基本养老保险' }
    },
  }),
  benefitStatus: column<'normal' | 'suspended'>({
    header: '待遇状态',
    required: true,
    protection: 'plain',
    storage: 'benefit_status',
    parse(cell) {
      const v = BENEFIT_STATUS[cell.trim()]
      return v ? { value: v } : { reason: '待遇状态应为“正常”或“暂停发放”' }
    },
  }),
  lastCertifiedOn: column<string | null>({
    header: '上次认证日期',
    required: true,
    protection: 'plain',
    storage: 'last_certified_on',
    nullable: true,
    parse(cell, ctx) {
      const raw = cell.trim()
      if (!raw) return { value: null }
      const parsed = parseRosterDateOnce(raw)
      if (!parsed) return { reason: '上次认证日期无效，应为 2026-03-15 或 2026/3/15 的格式' }
      return parsed > ctx.today ? { reason: '上次认证日期不能晚于今天' } : { value: parsed }
    },
  }),
  regionCode: column<string>({
    header: '行政区划',
    required: true,
    protection: 'plain',
    storage: 'region_code',
    parse(cell) {
      const v = cell.trim()
      return /^\d{6}$/.test(v) ? { value: v } : { reason: '行政区划应为 6 位数字' }
    },
  }),
}

export type RosterCodec = typeof ROSTER_CODEC
export type RosterField = keyof RosterCodec
export const ROSTER_FIELDS = Object.keys(ROSTER_CODEC) as RosterField[]

/** Each field's header (derived from the codec; used in error reports). */
export const ROSTER_COLUMNS = Object.fromEntries(ROSTER_FIELDS.map((f) => [f, ROSTER_CODEC[f].header])) as { [K in RosterField]: RosterCodec[K]['header'] }

/** A checked row: each field's normalised value. */
export type RosterValues = { [K in RosterField]: RosterCodec[K] extends RosterColumn<infer T> ? T : never }

/** One data row as read from the file: its line number (as an editor shows it) and raw cells (an absent optional column has none). */
export interface RawRosterRow {
  line: number
  cells: Partial<Record<RosterField, string>>
}

/** A problem with one cell (or the whole row when column is empty), reason in Chinese. */
export interface RowError {
  line: number
  column: string
  reason: string
}
