/**
 * Minimal ambient typing for wx-server-sdk (WeChat Cloud Development server SDK): only what our
 * cloud functions use. The package is not installed locally: esbuild keeps it external and the
 * WeChat cloud runtime installs it from each function's package.json.
 */
declare module 'wx-server-sdk' {
  namespace cloud {
    /** What `cloud.getWXContext()` returns inside `exports.main`. OPENID is absent for timer calls. */
    interface WXContext {
      OPENID?: string
      APPID?: string
      UNIONID?: string
      ENV?: string
      SOURCE?: string
      CLIENTIP?: string
      CLIENTIPV6?: string
    }

    interface InitOptions {
      env?: string | symbol
      traceUser?: boolean
    }

    interface WxServerSdk {
      /** Use as `env` so the function talks to the environment it was deployed into. */
      readonly DYNAMIC_CURRENT_ENV: symbol
      init(options?: InitOptions): void
      getWXContext(): WXContext
    }
  }

  const cloud: cloud.WxServerSdk
  export = cloud
}
