/**
 * Camera permission, behind one small port so pages never call the platform directly.
 *
 * weapp (WECHAT-FACTS §2): getSetting → authSetting['scope.camera']
 *   undefined → never asked: authorize({scope: 'scope.camera'}) shows WeChat's dialog (with the privacy
 *               agreement checkbox from base library 3.4.2 when the privacy guide is configured);
 *   false     → refused before: authorize fails at once ("auth deny"), only openSetting helps, and
 *               openSetting works ONLY from a tap (call openCameraSettings() inside the tap handler).
 * app.json needs no declaration for the camera: `permission` only takes scope.userLocation* and
 * `requiredPrivateInfos` only lists the location APIs. The 《小程序用户隐私保护指引》 in the MP admin
 * console must name 摄像头 before release.
 *
 * h5: the browser asks when the camera is opened (getUserMedia). When the Permissions API says the
 * camera is blocked we report 'denied' early; otherwise 'prompt', and the camera page reports a refusal
 * through the FaceSource ('camera_denied').
 */
import Taro from '@tarojs/taro'
import { currentPlatform } from './platform'

export type CameraPermission = 'granted' | 'denied' | 'prompt'

interface AuthSettingLike {
  authSetting?: Record<string, boolean | undefined>
}

interface TaroAuthLike {
  getSetting?: (opts?: unknown) => Promise<AuthSettingLike>
  authorize?: (opts: { scope: string }) => Promise<unknown>
  openSetting?: (opts?: unknown) => Promise<AuthSettingLike>
}

const SCOPE = 'scope.camera'

function api(): TaroAuthLike {
  return Taro as unknown as TaroAuthLike
}

function fromSetting(res: AuthSettingLike | undefined): CameraPermission {
  const v = res?.authSetting?.[SCOPE]
  return v === true ? 'granted' : v === false ? 'denied' : 'prompt'
}

async function browserState(): Promise<CameraPermission> {
  try {
    const nav = (typeof navigator !== 'undefined' ? navigator : undefined) as
      | { permissions?: { query(d: { name: string }): Promise<{ state: string }> } }
      | undefined
    if (!nav?.permissions?.query) return 'prompt'
    const s = await nav.permissions.query({ name: 'camera' })
    return s.state === 'granted' ? 'granted' : s.state === 'denied' ? 'denied' : 'prompt'
  } catch {
    // Firefox and older browsers do not know the 'camera' permission name.
    return 'prompt'
  }
}

/** The current state, without asking. */
export async function checkCameraPermission(): Promise<CameraPermission> {
  if (currentPlatform() === 'h5') return browserState()
  try {
    const get = api().getSetting
    if (!get) return 'prompt'
    return fromSetting(await get())
  } catch {
    return 'prompt'
  }
}

/**
 * Asks for the camera when it has not been refused before. Answers 'granted' or 'denied'
 * ('prompt' on H5: the browser asks when the camera opens).
 */
export async function requestCameraPermission(): Promise<CameraPermission> {
  const now = await checkCameraPermission()
  if (now !== 'prompt' || currentPlatform() === 'h5') return now
  try {
    const authorize = api().authorize
    if (!authorize) return 'prompt'
    await authorize({ scope: SCOPE })
    return 'granted'
  } catch {
    return 'denied'
  }
}

/**
 * weapp: opens the mini-program's settings page. MUST be called directly from a tap handler.
 * Answers the camera state after the person comes back. H5: cannot open browser settings; answers the
 * current state (the page explains where the browser's camera switch is).
 */
export async function openCameraSettings(): Promise<CameraPermission> {
  if (currentPlatform() === 'h5') return browserState()
  try {
    const open = api().openSetting
    if (!open) return 'denied'
    return fromSetting(await open())
  } catch {
    return 'denied'
  }
}
