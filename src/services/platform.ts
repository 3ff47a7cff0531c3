/** Which build we are running in. Taro replaces process.env.TARO_ENV at build time. */
export type Platform = 'weapp' | 'h5'

export function currentPlatform(): Platform {
  return process.env.TARO_ENV === 'h5' ? 'h5' : 'weapp'
}

/** Build constants (config/build-env.ts); read through functions so tests can set them. */
export const buildEnv = {
  cloudEnv: (): string => process.env.YL_CLOUD_ENV ?? '',
  apiBase: (): string => process.env.YL_API_BASE ?? '',
  sscChannel: (): 'local' | 'national' => (process.env.YL_SSC_CHANNEL === 'national' ? 'national' : 'local'),
}
