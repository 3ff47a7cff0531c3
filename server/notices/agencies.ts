/**
 * Which social-insurance agency serves a roster person, from the person's 行政区划 (region_code) on
 * the roster — never from a link or code, which anyone can forge. The notice landing shows it so a
 * retiree can tell a genuine notice from a fake one and knows whom to call. docs/notices.md § 经办机构.
 *
 * Longest matching prefix wins (district 6 digits, then city 4, then province 2); unknown regions get
 * a plain 当地社保经办机构 with the default hotline (NOTICE_HOTLINE, default 12333, the national
 * social-security hotline).
 */
export interface Agency {
  name: string
  hotline: string
}

/** region prefix → agency name, and a hotline when it differs from the default. Demo regions filled in. */
export const AGENCIES: Readonly<Record<string, { name: string; hotline?: string }>> = {
  '110101': { name: '北京市东城区社会保险事业管理中心' },
  '11': { name: '北京市社会保险事业管理中心' },
  '430102': { name: '长沙市芙蓉区社会保险服务中心' },
  '4301': { name: '长沙市社会保险服务中心' },
  '320102': { name: '南京市玄武区社会保险管理中心' },
  '3201': { name: '南京市社会保险管理中心' },
}

export const DEFAULT_AGENCY_NAME = '当地社保经办机构'
export const DEFAULT_HOTLINE = '12333'

export function agencyForRegion(regionCode: string | null | undefined, defaultHotline: string = DEFAULT_HOTLINE): Agency {
  const code = (regionCode ?? '').trim()
  for (const len of [12, 9, 6, 4, 2]) {
    if (code.length < len) continue
    const hit = AGENCIES[code.slice(0, len)]
    if (hit) return { name: hit.name, hotline: hit.hotline ?? defaultHotline }
  }
  return { name: DEFAULT_AGENCY_NAME, hotline: defaultHotline }
}
