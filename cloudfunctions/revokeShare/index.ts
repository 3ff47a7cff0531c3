/** WeChat entry: the platform identity and configuration go in, the pure handler does the work. */
import { createMain } from '../_shared/wechat-entry'
import { handler } from './handler'

export const main = createMain('revokeShare', handler)
