/**
 * Every endpoint the routed function `api` answers, by name. Pass-through endpoints are forward(name)
 * (all they do is in the endpoint table); the others have a handler in custom/ because they do work
 * of their own before the backend call (GB 11643 check, channel from the platform, scene parsing,
 * local-only refusal).
 */
import type { CloudFunctionName, CloudFunctions } from '../../src/core/contracts/functions'
import { forward } from '../_shared/forward'
import type { Handler } from '../_shared/ports'
import { handler as addRelative } from './custom/addRelative'
import { handler as bindIdentity } from './custom/bindIdentity'
import { handler as listInbox } from './custom/listInbox'
import { handler as localSscAuthorize } from './custom/localSscAuthorize'
import { handler as queryStatus } from './custom/queryStatus'
import { handler as resolveNotice } from './custom/resolveNotice'
import { handler as startCertification } from './custom/startCertification'

export const HANDLERS: { [N in CloudFunctionName]: Handler<CloudFunctions[N]['answer']> } = {
  login: forward('login'),
  bindIdentity,
  unbindIdentity: forward('unbindIdentity'),
  getStatus: forward('getStatus'),
  listRecords: forward('listRecords'),
  localSscAuthorize,
  startCertification,
  completeCertification: forward('completeCertification'),
  addRelative,
  listRelatives: forward('listRelatives'),
  removeRelative: forward('removeRelative'),
  createShare: forward('createShare'),
  openShare: forward('openShare'),
  revokeShare: forward('revokeShare'),
  resolveNotice,
  queryStatus,
  recordSubscription: forward('recordSubscription'),
  listInbox,
}
