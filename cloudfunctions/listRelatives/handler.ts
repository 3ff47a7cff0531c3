import type { CloudFunctions } from '../../src/core/contracts/functions'
import { defineHandler } from '../_shared/handler-kit'

/** 家人 list: masked names, relation, 下次认证日期 and status of each linked relative. */
export const handler = defineHandler<CloudFunctions['listRelatives']['answer']>('listRelatives', (_event, { backend }, caller) =>
  backend.post('/v1/relatives/list', { caller }),
)
