import { buildConstants, PLACEHOLDER_APPID, resolveBuildEnv } from '../../../config/build-env'

describe('build configuration', () => {
  test('appid defaults to the documented placeholder', () => {
    expect(resolveBuildEnv({}).appId).toBe(PLACEHOLDER_APPID)
    expect(PLACEHOLDER_APPID).toBe('touristappid')
  })
  test('WEAPP_APPID overrides it, and must look like an appid', () => {
    expect(resolveBuildEnv({ WEAPP_APPID: 'wx0123456789abcdef' }).appId).toBe('wx0123456789abcdef')
    expect(() => resolveBuildEnv({ WEAPP_APPID: 'not-an-appid' })).toThrow(/WEAPP_APPID/)
  })
  test('constants are JSON strings for DefinePlugin', () => {
    const c = buildConstants(resolveBuildEnv({ WEAPP_CLOUD_ENV: 'env-1', YL_API_BASE: 'http://x/' }))
    expect(JSON.parse(c['process.env.YL_CLOUD_ENV'])).toBe('env-1')
    expect(JSON.parse(c['process.env.YL_API_BASE'])).toBe('http://x')
    expect(JSON.parse(c['process.env.YL_SSC_CHANNEL'])).toBe('local')
  })
})
