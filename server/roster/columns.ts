/** Roster CSV columns, as exported by the agency's core system (order does not matter). */
export const ROSTER_COLUMNS = {
  personNo: '个人编号',
  name: '姓名',
  idNumber: '身份证号',
  cardNumber: '社会保障卡号',
  employer: '单位名称',
  insuranceType: '险种',
  benefitStatus: '待遇状态',
  lastCertifiedOn: '上次认证日期',
  regionCode: '行政区划',
} as const

export type RosterField = keyof typeof ROSTER_COLUMNS

/** One data row as read from the file: its line number (as an editor shows it) and raw cells. */
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
