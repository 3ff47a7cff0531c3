/**
 * Agency sign-in (server/agency/, server/routes/agency/auth/). Sign-in is a few steps: password,
 * then — for 审核员 and 管理员, who must have a TOTP second factor — the code (or, the first time,
 * enrolment: the secret and otpauth URI are answered once and confirmed with a code), then a new
 * password when the account still has its one-time password. Each step answers where the user
 * stands; until 'signedIn' the session can call nothing but these steps and sign-out.
 */
import * as v from 'valibot'
import { AGENCY_ROLES, ANY_AGENCY_ROLE, agencyEndpoints } from './define'

/** An agency user as the console shows it: never a hash, secret or session token. */
export const AgencyUserViewSchema = v.object({
  id: v.string(),
  username: v.string(),
  displayName: v.string(),
  role: v.picklist(AGENCY_ROLES),
  roleLabel: v.string(),
  regionPrefix: v.string(),
  totpEnrolled: v.boolean(),
  mustChangePassword: v.boolean(),
  /** ISO time until which sign-in is refused after repeated failures; null when not locked. */
  lockedUntil: v.nullable(v.string()),
  disabled: v.boolean(),
  createdAt: v.string(),
})
export type AgencyUserView = v.InferOutput<typeof AgencyUserViewSchema>

export const SIGN_IN_STEPS = ['signedIn', 'totpRequired', 'totpEnrolment', 'passwordChangeRequired'] as const
export type SignInStep = (typeof SIGN_IN_STEPS)[number]

export const SignInAnswerSchema = v.object({
  step: v.picklist(SIGN_IN_STEPS),
  /** Send it as X-CSRF-Token on every later POST (also the remaining sign-in steps). */
  csrfToken: v.string(),
  user: AgencyUserViewSchema,
  /** step 'totpEnrolment' only, answered once: add it to an authenticator app, then send a code. */
  enrolment: v.optional(v.object({ secret: v.string(), otpauthUri: v.string() })),
})
export type SignInAnswer = v.InferOutput<typeof SignInAnswerSchema>

const Username = v.pipe(v.string('VALIDATION_FAILED'), v.trim(), v.minLength(1, 'VALIDATION_FAILED'), v.maxLength(64, 'VALIDATION_FAILED'))
/** Long enough for any real password; longer input is refused before hashing (argon2 cost). */
const Password = v.pipe(v.string('VALIDATION_FAILED'), v.minLength(1, 'VALIDATION_FAILED'), v.maxLength(256, 'VALIDATION_FAILED'))

export const AUTH_ENDPOINTS = agencyEndpoints({
  authSignIn: { method: 'POST', path: '/auth/sign-in', roles: 'public', input: v.object({ username: Username, password: Password }), answer: SignInAnswerSchema },
  authTotp: {
    method: 'POST',
    path: '/auth/totp',
    roles: 'public',
    input: v.object({ code: v.pipe(v.string('AGENCY_TOTP_INVALID'), v.trim(), v.regex(/^\d{6}$/, 'AGENCY_TOTP_INVALID')) }),
    answer: SignInAnswerSchema,
  },
  authChangePassword: {
    method: 'POST',
    path: '/auth/change-password',
    roles: 'public',
    input: v.object({ currentPassword: Password, newPassword: Password }),
    answer: SignInAnswerSchema,
  },
  authSignOut: { method: 'POST', path: '/auth/sign-out', roles: 'public', answer: v.object({ signedOut: v.literal(true) }) },
  authMe: { method: 'GET', path: '/auth/me', roles: ANY_AGENCY_ROLE, answer: v.object({ user: AgencyUserViewSchema, csrfToken: v.string() }) },
})
