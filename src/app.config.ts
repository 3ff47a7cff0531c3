/**
 * Main package: only 首页. Every other flow is a subpackage (2 MB per package is a hard limit).
 *
 * packages/dev (the liveness calibration page) belongs to the liveness engineer. It is registered
 * whenever src/packages/dev/calibrate/index.* exists: config/index.ts checks and sets
 * YL_DEV_PAGES, and this file is evaluated at build time in that same process. It also holds the
 * developer-only 消息发件箱 (outbox/index; linked from nowhere, H5: /packages/dev/outbox/index).
 */
const devPackages = process.env.YL_DEV_PAGES === 'true' ? [{ root: 'packages/dev', pages: ['calibrate/index', 'outbox/index'] }] : []

/**
 * 微信同声传译 (WechatSI) speaks every prompt on weapp (src/services/speech.ts) when the build is
 * given its version: TARO_APP_WECHATSI=0.3.5 in the build's environment (not a .env file: Taro
 * reads those only into the app's constants, not into this file). Off by default: the plugin must
 * be added to a real, verified appid in the MP console (设置 → 第三方设置 → 插件管理); without it the
 * recorded clips of the certify subpackage are played instead.
 */
const wechatSIVersion = (process.env.TARO_APP_WECHATSI ?? '').trim()
if (wechatSIVersion && !/^\d+\.\d+\.\d+$/.test(wechatSIVersion)) {
  throw new Error(`TARO_APP_WECHATSI must be the plugin version (like 0.3.5), not "${wechatSIVersion}"`)
}
const plugins = wechatSIVersion ? { plugins: { WechatSI: { version: wechatSIVersion, provider: 'wx069ba97219f66d99' } } } : {}

export default defineAppConfig({
  pages: ['pages/index/index'],
  subPackages: [
    { root: 'packages/bind', pages: ['index', 'ssc-local'] },
    { root: 'packages/records', pages: ['index'] },
    // 认证须知 → camera → result. The camera page needs no app.json declaration: `permission` only
    // takes scope.userLocation* and `requiredPrivateInfos` only lists the location APIs. scope.camera is
    // asked at run time (services/camera-permission.ts); the privacy guide in the MP console must name it.
    { root: 'packages/certify', pages: ['index', 'camera', 'result'] },
    // 家人: list, 添加家人, 发给TA自己认证 (share card; its page config enables useShareAppMessage).
    { root: 'packages/family', pages: ['index', 'add', 'share'] },
    // 认证查询 by name + ID number (rate-limited, masked answer).
    { root: 'packages/query', pages: ['index'] },
    // 单位认证 (单位专管员): the invitation code, then the unit's retirees, each certified like 帮TA认证.
    { root: 'packages/unit', pages: ['index'] },
    // 我要申诉 / 申请上门认证 (for 本人, or ?relative=<relativeId> for a 家人).
    { root: 'packages/appeal', pages: ['index'] },
    ...devPackages,
  ],
  ...plugins,
  lazyCodeLoading: 'requiredComponents',
  window: {
    navigationBarTitleText: '银龄认证',
    navigationBarBackgroundColor: '#0A58A8',
    navigationBarTextStyle: 'white',
    backgroundColor: '#F4F6F8',
    backgroundTextStyle: 'dark',
  },
})
