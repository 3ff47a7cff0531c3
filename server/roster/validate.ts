/** One roster row: every cell checked, each problem reported with its column and a Chinese reason. */
import { CARD_NUMBER_PATTERN, NAME_PATTERN } from '../../src/core/contracts/binding'
import { ERROR_MESSAGES } from '../../src/core/errors'
import { validateIdNumber } from '../../src/core/id-number'
import { parseInsuranceType, type InsuranceType } from '../../src/core/insurance'
import { ROSTER_COLUMNS, type RawRosterRow, type RowError } from './columns'

export interface RosterRow {
  line: number
  personNo: string
  name: string
  idNumber: string
  cardNumber: string
  employer: string
  insuranceType: InsuranceType
  benefitStatus: 'normal' | 'suspended'
  lastCertifiedOn: string | null
  regionCode: string
}

/** Invisible control characters: never part of a real name of a workplace (and the prepared-row packing relies on their absence). */
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/

const BENEFIT_STATUS: Record<string, RosterRow['benefitStatus']> = { 正常: 'normal', 正常发放: 'normal', 暂停发放: 'suspended', 暂停: 'suspended' }

/** YYYY-MM-DD or YYYY/M/D → YYYY-MM-DD, or undefined if not a real date. */
export function parseRosterDate(value: string): string | undefined {
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(value)
  if (!m) return undefined
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}

export function validateRosterRow(raw: RawRosterRow, today: string): { row?: RosterRow; errors: RowError[] } {
  const errors: RowError[] = []
  const c = raw.cells
  const err = (column: string, reason: string) => errors.push({ line: raw.line, column, reason })

  const personNo = (c.personNo ?? '').trim()
  if (!personNo) err(ROSTER_COLUMNS.personNo, '个人编号不能为空')
  else if (!/^[A-Za-z0-9_-]{1,32}$/.test(personNo)) err(ROSTER_COLUMNS.personNo, '个人编号只能由字母、数字组成，最长 32 位')

  const name = (c.name ?? '').trim()
  if (!NAME_PATTERN.test(name)) err(ROSTER_COLUMNS.name, name ? '姓名格式不对（应为 2–20 个汉字）' : '姓名不能为空')

  const id = validateIdNumber(c.idNumber ?? '', today)
  if (!id.valid) err(ROSTER_COLUMNS.idNumber, (c.idNumber ?? '').trim() ? ERROR_MESSAGES[id.reason] : '身份证号不能为空')

  const cardNumber = (c.cardNumber ?? '').trim().toUpperCase()
  if (!CARD_NUMBER_PATTERN.test(cardNumber)) err(ROSTER_COLUMNS.cardNumber, cardNumber ? '社会保障卡号格式不对（应为 9–20 位字母或数字）' : '社会保障卡号不能为空')

  const employer = (c.employer ?? '').trim()
  if (employer.length > 100) err(ROSTER_COLUMNS.employer, '单位名称过长（最多 100 字）')
  else if (CONTROL_CHARS.test(employer)) err(ROSTER_COLUMNS.employer, '单位名称含有看不见的控制字符，请在表格里重新输入')

  const insuranceType = parseInsuranceType(c.insuranceType ?? '')
  if (!insuranceType) err(ROSTER_COLUMNS.insuranceType, '险种不对，应为企业职工基本养老保险、机关事业单位养老保险或城乡居民基本养老保险')

  const benefitStatus = BENEFIT_STATUS[(c.benefitStatus ?? '').trim()]
  if (!benefitStatus) err(ROSTER_COLUMNS.benefitStatus, '待遇状态应为“正常”或“暂停发放”')

  const rawDate = (c.lastCertifiedOn ?? '').trim()
  let lastCertifiedOn: string | null = null
  if (rawDate) {
    const parsed = parseRosterDate(rawDate)
    if (!parsed) err(ROSTER_COLUMNS.lastCertifiedOn, '上次认证日期无效，应为 2026-03-15 或 2026/3/15 的格式')
    else if (parsed > today) err(ROSTER_COLUMNS.lastCertifiedOn, '上次认证日期不能晚于今天')
    else lastCertifiedOn = parsed
  }

  const regionCode = (c.regionCode ?? '').trim()
  if (!/^\d{6}$/.test(regionCode)) err(ROSTER_COLUMNS.regionCode, '行政区划应为 6 位数字')

  if (errors.length > 0 || !id.valid || !insuranceType || !benefitStatus) return { errors }
  return {
    errors,
    row: { line: raw.line, personNo, name, idNumber: id.idNumber, cardNumber, employer, insuranceType, benefitStatus, lastCertifiedOn, regionCode },
  }
}
