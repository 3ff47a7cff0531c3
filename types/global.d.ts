/// <reference types="@tarojs/taro" />

declare module '*.png'
declare module '*.gif'
declare module '*.jpg'
declare module '*.jpeg'
declare module '*.svg'
declare module '*.css'
declare module '*.scss'
declare module '*.sass'

declare namespace NodeJS {
  interface ProcessEnv {
    /** The platform Taro is building for (replaced at build time). */
    TARO_ENV?: 'weapp' | 'swan' | 'alipay' | 'h5' | 'rn' | 'tt' | 'qq' | 'jd' | 'harmony' | 'jdrn'
    /** Mini-program appid used by Taro when it writes dist/weapp/project.config.json. */
    TARO_APP_ID?: string
    /** Build constants from config/build-env.ts (replaced at build time in the client bundle). */
    YL_WEAPP_APPID?: string
    YL_CLOUD_ENV?: string
    YL_API_BASE?: string
    YL_SSC_CHANNEL?: 'local' | 'national'
  }
}
