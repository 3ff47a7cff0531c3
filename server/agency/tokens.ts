/**
 * Session tokens: 32 random bytes in the cookie; the table keeps only their SHA-256, so a copy of the
 * table signs no one in. The CSRF token is separate random bytes the console gets in the sign-in
 * answer and sends back as X-CSRF-Token.
 */
import { createHash, randomBytes } from 'node:crypto'

export const newSessionToken = (): string => randomBytes(32).toString('base64url')
export const newCsrfToken = (): string => randomBytes(24).toString('base64url')
export const sessionIdOf = (token: string): string => createHash('sha256').update(token).digest('hex')

/** Only strings shaped like our tokens are looked up (anything else is no session). */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/
