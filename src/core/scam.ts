/**
 * What a person must know before trusting any 认证 link, QR code or call: certification costs
 * nothing and the agency never asks for bank or login secrets. Spoken and shown, word for word.
 */
export interface AgencyInfo {
  name: string
  hotline: string
}

export const SCAM_TITLE = '谨防诈骗'

export const SCAM_FREE = '认证是免费的，不收任何费用。'
export const SCAM_NEVER_ASK = '社保部门的工作人员不会向您要银行卡号、密码或短信验证码。'
export const SCAM_IF_ASKED = '谁要这些，就是骗子，请马上挂断或关掉页面。'

/** How to tell the notice is genuine: the agency found from the roster, never from the link. */
export function agencySentence(agency: AgencyInfo): string {
  return `这份通知来自${agency.name}。有疑问请打${agency.hotline}问清楚。`
}

export function scamNoticeSentences(agency?: AgencyInfo): string[] {
  const lines = [SCAM_FREE, SCAM_NEVER_ASK, SCAM_IF_ASKED]
  if (agency) lines.push(agencySentence(agency))
  return lines
}

/** One line for a share card's title or text, where there is no room for the whole notice. */
export const SCAM_SHORT = '认证免费，社保不会要银行卡号、密码、验证码'
