import { ENDPOINTS } from '../../../src/core/contracts/endpoints'
import { parseNoticeScene } from '../../../src/core/contracts/notices'
import type { CloudFunctions } from '../../../src/core/contracts/functions'
import { fail } from '../../../src/core/errors'
import { defineHandler } from '../../_shared/handler-kit'
import { parseEvent } from '../../_shared/validate'

/**
 * A scanned notice: `{scene}` as the page got it (decodeURIComponent(options.scene) → "n=<code>", or
 * still encoded) or `{code}`. Anything that is not a notice scene → NOTICE_INVALID, like an unknown code.
 */
export const handler = defineHandler<CloudFunctions['resolveNotice']['answer']>('resolveNotice', async (event, { backend }, caller) => {
  const parsed = parseEvent(ENDPOINTS.resolveNotice.event, event)
  if (!parsed.ok) return fail('NOTICE_INVALID')
  const code = 'code' in parsed.data ? parseNoticeScene(`n=${parsed.data.code.trim()}`) : parseNoticeScene(parsed.data.scene)
  if (!code) return fail('NOTICE_INVALID')
  return backend.post('/v1/notices/resolve', { caller, code })
})
