/** WeChat entry of `api`: the platform identity and configuration go in, the router does the rest. */
import { createMain } from '../_shared/wechat-entry'
import { handler } from './handler'

export const main = createMain('api', handler)
