/**
 * Main package: only 首页. Every other flow is a subpackage (2 MB per package is a hard limit).
 *
 * packages/dev (the liveness calibration page) belongs to the liveness engineer. It is registered
 * whenever src/packages/dev/calibrate/index.* exists: config/index.ts checks and sets
 * YL_DEV_PAGES, and this file is evaluated at build time in that same process.
 */
const devPackages = process.env.YL_DEV_PAGES === 'true' ? [{ root: 'packages/dev', pages: ['calibrate/index'] }] : []

export default defineAppConfig({
  pages: ['pages/index/index'],
  subPackages: [
    { root: 'packages/bind', pages: ['index', 'ssc-local'] },
    { root: 'packages/records', pages: ['index'] },
    { root: 'packages/certify', pages: ['index'] },
    ...devPackages,
  ],
  lazyCodeLoading: 'requiredComponents',
  window: {
    navigationBarTitleText: '银龄认证',
    navigationBarBackgroundColor: '#0A58A8',
    navigationBarTextStyle: 'white',
    backgroundColor: '#F4F6F8',
    backgroundTextStyle: 'dark',
  },
})
