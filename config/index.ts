/**
 * Taro build configuration (webpack5 runner, React, TypeScript).
 *
 * Each platform writes to its own output root: dist/weapp (WeChat DevTools opens the repository
 * root, whose project.config.json points miniprogramRoot at dist/weapp/) and dist/h5 (served by the
 * local gateway with an SPA fallback to index.html).
 *
 * Build-time settings (all optional):
 *   WEAPP_APPID      mini-program appid written into dist/weapp/project.config.json
 *                    (default: the placeholder `touristappid`; see config/build-env.ts)
 *   WEAPP_CLOUD_ENV  WeChat cloud environment id for Taro.cloud.init (default: the current env)
 *   YL_API_BASE      H5 only: origin of the local gateway (default: same origin as the page)
 *   YL_SSC_CHANNEL   'local' (default) or 'national': which 电子社保卡 authorisation adapter to use
 */
import path from 'node:path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import devConfig from './dev'
import prodConfig from './prod'
import { buildConstants, ProjectConfigPlugin, resolveBuildEnv } from './build-env'

export default defineConfig<'webpack5'>(async (merge) => {
  const env = resolveBuildEnv(process.env)
  // Taro itself copies project.config.json into the output root and takes the appid from TARO_APP_ID.
  process.env.TARO_APP_ID = env.appId
  // src/app.config.ts is evaluated in this process at build time: it registers packages/dev only
  // when the calibration page exists (it belongs to the liveness work and may not be there yet).
  process.env.YL_DEV_PAGES = env.hasDevCalibrate ? 'true' : 'false'
  if (!env.hasDevCalibrate) console.warn('[config] src/packages/dev/calibrate/index.* not found: packages/dev is not registered in this build')
  const platform = process.env.TARO_ENV === 'h5' ? 'h5' : 'weapp'
  // YL_OUTPUT_ROOT lets a second build run beside the usual one (e.g. while tests read dist/).
  const outputRoot = process.env.YL_OUTPUT_ROOT || `dist/${platform}`

  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'yinling-renzheng',
    date: '2025-1-1',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot,
    plugins: [],
    defineConstants: buildConstants(env),
    alias: { '@': path.resolve(__dirname, '..', 'src') },
    // The spoken prompts (scripts/audio/generate-prompts.ts) are plain files at a fixed path in both
    // builds: inside the certify subpackage on weapp, served by the gateway from dist/h5 on H5.
    copy: {
      patterns: [{ from: 'src/packages/certify/audio/', to: `${outputRoot}/packages/certify/audio/`, ignore: ['**/*.ts'] }],
      options: {},
    },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    mini: {
      // Sizes in our styles are written in px meaning dp (as in the 适老化 rules), so they must not be
      // rescaled to rpx: an 18 px body text stays 18 px on every phone width.
      postcss: {
        pxtransform: { enable: false, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
      optimizeMainPackage: { enable: true },
      // Every component's styles sit under its own yl- class, so the order of component stylesheets in
      // a shared chunk cannot change a page (as on H5 below); without this each build prints
      // "Conflicting order" warnings that hide the ones that matter.
      miniCssExtractPluginOption: { ignoreOrder: true },
      webpackChain(chain) {
        chain.plugin('yl-project-config').use(ProjectConfigPlugin, [{ appId: env.appId }])
      },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'browser' },
      output: { filename: 'js/[name].[contenthash:8].js', chunkFilename: 'js/[name].[chunkhash:8].js' },
      miniCssExtractPluginOption: { ignoreOrder: true, filename: 'css/[name].[contenthash:8].css', chunkFilename: 'css/[name].[contenthash:8].css' },
      postcss: {
        // Keep px as px in the browser too, so browser zoom and the user's font settings scale it.
        pxtransform: { enable: false, config: {} },
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
  }

  if (process.env.NODE_ENV === 'development') return merge({}, baseConfig, devConfig)
  return merge({}, baseConfig, prodConfig)
})
