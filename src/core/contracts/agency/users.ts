/** Agency user management (管理员 only), within the admin's own region. */
import * as v from 'valibot'
import { AgencyUserViewSchema } from './auth'
import { AGENCY_ROLES, agencyEndpoints } from './define'

export const AGENCY_USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,31}$/

const UserParams = v.object({ userId: v.pipe(v.string(), v.uuid('AGENCY_USER_NOT_FOUND')) })
const UserAnswer = v.object({ user: AgencyUserViewSchema })

export const USERS_ENDPOINTS = agencyEndpoints({
  usersList: { method: 'GET', path: '/users', roles: ['admin'], answer: v.object({ users: v.array(AgencyUserViewSchema) }) },
  usersCreate: {
    method: 'POST',
    path: '/users',
    roles: ['admin'],
    input: v.object({
      username: v.pipe(v.string('AGENCY_USERNAME_INVALID'), v.trim(), v.toLowerCase(), v.regex(AGENCY_USERNAME_PATTERN, 'AGENCY_USERNAME_INVALID')),
      displayName: v.pipe(v.string('VALIDATION_FAILED'), v.trim(), v.minLength(1, 'VALIDATION_FAILED'), v.maxLength(32, 'VALIDATION_FAILED')),
      role: v.picklist(AGENCY_ROLES, 'VALIDATION_FAILED'),
      /** 行政区划 prefix: digits, inside the admin's own prefix. */
      regionPrefix: v.pipe(v.string('AGENCY_REGION_INVALID'), v.trim(), v.regex(/^\d{0,12}$/, 'AGENCY_REGION_INVALID')),
    }),
    /** The one-time password is shown once; the user must change it at first sign-in. */
    answer: v.object({ user: AgencyUserViewSchema, oneTimePassword: v.string() }),
  },
  usersUnlock: { method: 'POST', path: '/users/:userId/unlock', roles: ['admin'], params: UserParams, answer: UserAnswer },
  usersDisable: { method: 'POST', path: '/users/:userId/disable', roles: ['admin'], params: UserParams, answer: UserAnswer },
  /** A new one-time password (the user's sessions end); resetTotp also removes the authenticator (lost phone). */
  usersResetPassword: {
    method: 'POST',
    path: '/users/:userId/reset-password',
    roles: ['admin'],
    params: UserParams,
    input: v.object({ resetTotp: v.optional(v.boolean('VALIDATION_FAILED'), false) }),
    answer: v.object({ user: AgencyUserViewSchema, oneTimePassword: v.string() }),
  },
})
