/**
 * Agency passwords: argon2id (OWASP's minimum parameters, the library's defaults: 19 MiB, 2 passes),
 * a minimum strength rule, and one-time passwords for new or reset accounts.
 */
import { hash, verify } from '@node-rs/argon2'
import { randomInt } from 'node:crypto'

export const MIN_PASSWORD_LENGTH = 10

/** argon2id is the library's default algorithm (its const enum cannot be imported here); a test checks the "$argon2id$" prefix. */
export function hashPassword(password: string): Promise<string> {
  return hash(password)
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await verify(hashed, password)
  } catch {
    return false
  }
}

/**
 * A hash no password matches, verified when the username is unknown so that an unknown user costs
 * the same time as a wrong password (no user enumeration by timing).
 */
let dummyHash: Promise<string> | undefined
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword(`no-user-${randomInt(1 << 30)}`)
  await verifyPassword(await dummyHash, password)
}

const COMMON = ['password', '12345678', 'qwertyuiop', 'abc123456', 'admin123', 'yinling', 'shebao', '88888888', '11111111']

/** True when the password is long enough, mixes letters and digits, and is not the username or a common word. */
export function strongEnough(password: string, username: string): boolean {
  if (password.length < MIN_PASSWORD_LENGTH) return false
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return false
  const lower = password.toLowerCase()
  if (username && lower.includes(username.toLowerCase())) return false
  if (COMMON.some((w) => lower.includes(w))) return false
  return new Set(password).size >= 5
}

// No 0/O, 1/l/I: the password is read off a screen and typed once.
const LETTERS = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ'
const DIGITS = '23456789'

/** 12 characters from a CSPRNG, at least two letters and two digits (passes strongEnough). */
export function oneTimePassword(): string {
  for (;;) {
    const all = LETTERS + DIGITS
    let s = ''
    for (let i = 0; i < 12; i++) s += all[randomInt(all.length)]
    if ((s.match(/\d/g)?.length ?? 0) >= 2 && (s.match(/[A-Za-z]/g)?.length ?? 0) >= 2 && strongEnough(s, '')) return s
  }
}
