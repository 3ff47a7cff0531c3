/**
 * The console's session cookie: `yl_agency`, HttpOnly (no script reads it), SameSite=Strict (no other
 * site's page sends it), Path=/agency (never sent to the retirees' API), Secure in production.
 */
export const AGENCY_COOKIE = 'yl_agency'

export function sessionCookie(token: string, maxAgeSeconds: number, production: boolean): string {
  return `${AGENCY_COOKIE}=${token}; Path=/agency; HttpOnly; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}${production ? '; Secure' : ''}`
}

export function clearedCookie(production: boolean): string {
  return `${AGENCY_COOKIE}=; Path=/agency; HttpOnly; SameSite=Strict; Max-Age=0${production ? '; Secure' : ''}`
}

/** The cookie's value from a Cookie header, or undefined. */
export function readSessionCookie(header: string | undefined): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === AGENCY_COOKIE) return part.slice(eq + 1).trim()
  }
  return undefined
}
