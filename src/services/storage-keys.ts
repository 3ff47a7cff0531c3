/** Every key this app keeps in local storage, declared once. */
export const STORAGE_KEYS = {
  /** H5/local only: bearer token from POST /auth/local-login. */
  authToken: 'yl.auth.token.v1',
  /** H5/local only: stable random id of this browser, so re-login keeps the same local identity. */
  deviceId: 'yl.auth.device.v1',
  /** The 字号 chosen on 首页: 'standard' | 'large' | 'xlarge' (scale 1 / 1.5 / 2). */
  fontSize: 'yl.ui.fontSize.v1',
} as const

export type StorageKey = (typeof STORAGE_KEYS)[keyof typeof STORAGE_KEYS]
