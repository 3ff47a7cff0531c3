/**
 * TOTP second factor (RFC 6238 via otplib: SHA-1, 6 digits, 30 s — what every authenticator app
 * does). A code is accepted for the current step ±1 (clock drift of a phone), and only for a step
 * later than the last one accepted for the user: a code cannot be used twice.
 */
import { generate, generateSecret, generateURI, verify } from 'otplib'

export const TOTP_ISSUER = '银龄认证'
const STEP_SECONDS = 30

export interface TotpEnrolment {
  secret: string
  otpauthUri: string
}

export function newEnrolment(username: string): TotpEnrolment {
  const secret = generateSecret()
  return { secret, otpauthUri: generateURI({ issuer: TOTP_ISSUER, label: username, secret }) }
}

/** The accepted time step, or null (wrong, outside the window, or not after lastStep). */
export async function acceptCode(secret: string, code: string, at: Date, lastStep: number | null): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null
  const epoch = Math.floor(at.getTime() / 1000)
  const result = await verify({
    secret,
    token: code,
    epoch,
    epochTolerance: STEP_SECONDS,
    ...(lastStep !== null ? { afterTimeStep: lastStep } : {}),
  })
  return result.valid ? Math.floor(epoch / STEP_SECONDS) + result.delta : null
}

/** The code an authenticator shows at `at` (tests and the CLI's self-check). */
export function codeAt(secret: string, at: Date): Promise<string> {
  return generate({ secret, epoch: Math.floor(at.getTime() / 1000) })
}
