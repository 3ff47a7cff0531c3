/** Picks the mini-program code adapter named by MINIPROGRAM_CODE_ADAPTER (notices/config.ts). */
import type { AppConfig } from '../../config/env'
import { StableTokenProvider } from '../access-token'
import { defaultNoticesConfig } from '../../notices/config'
import { LocalQrCodes } from './local'
import type { MiniProgramCodePort } from './port'
import { WechatMiniProgramCodes } from './wechat'

export function createMiniProgramCodes(config: AppConfig): MiniProgramCodePort {
  const n = config.notices ?? defaultNoticesConfig()
  if (n.codeAdapter === 'wechat') {
    const id = config.identity
    if (!id?.wechatAppId || !id.wechatSecret) throw new Error('MINIPROGRAM_CODE_ADAPTER=wechat needs WECHAT_APPID and WECHAT_SECRET')
    const apiBase = id.wechatApiBase
    return new WechatMiniProgramCodes({
      apiBase,
      tokens: new StableTokenProvider({ apiBase, appId: id.wechatAppId, secret: id.wechatSecret }),
      envVersion: n.envVersion,
      checkPath: n.checkPath,
      width: n.width,
    })
  }
  return new LocalQrCodes({ publicUrl: n.publicUrl })
}

export type { MiniProgramCodePort, MiniProgramCodeRequest, MiniProgramCodeImage } from './port'
