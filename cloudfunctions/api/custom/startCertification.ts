import { ENDPOINTS } from '../../../src/core/contracts/endpoints'
import type { CertChannel } from '../../../src/core/contracts/certification'
import type { Caller } from '../../../src/core/contracts/common'
import type { CloudFunctions } from '../../../src/core/contracts/functions'
import { defineHandler } from '../../_shared/handler-kit'
import { parseEvent } from '../../_shared/validate'

/** The channel follows from where the identity came from, never from the client: WeChat → weapp, local sign-in → h5. */
export const channelOf = (caller: Caller): CertChannel => (caller.platform === 'wechat' ? 'weapp' : 'h5')

/**
 * 开始认证: the backend creates a single-use session for the caller's bound 本人 (or a relative by
 * `relativeId`, the person of a share card by `shareToken`, of a printed notice by `noticeCode`) and
 * picks the actions, nonce and expiry; the answer says what the camera page must do.
 */
export const handler = defineHandler<CloudFunctions['startCertification']['answer']>('startCertification', async (event, { backend }, caller) => {
  const parsed = parseEvent(ENDPOINTS.startCertification.event, event)
  if (!parsed.ok) return parsed
  const { subjectPersonId, relativeId, shareToken, noticeCode, unitMemberRef } = parsed.data
  return backend.post('/v1/certifications/start', {
    caller,
    channel: channelOf(caller),
    ...(subjectPersonId === undefined ? {} : { subjectPersonId }),
    // At most one of these (the schema refuses two): 代他人认证, a share card, a printed notice, a 单位专管员's unit member.
    ...(relativeId === undefined ? {} : { relativeId }),
    ...(shareToken === undefined ? {} : { shareToken }),
    ...(noticeCode === undefined ? {} : { noticeCode }),
    ...(unitMemberRef === undefined ? {} : { unitMemberRef }),
  })
})
