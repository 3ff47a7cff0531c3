/**
 * npm run weapp:preview -- [--robot N] [--qrcode file.jpg] [--page path] [--query a=b] [--version x.y.z] [--desc "…"]
 * npm run weapp:upload  -- --version x.y.z --desc "…" [--robot N]
 * (both also take --dir, default dist/weapp). Configuration: WEAPP_APPID, WEAPP_UPLOAD_KEY_PATH
 * (scripts/weapp-release/config.ts). Exit codes: 0 done, 2 refused, 3 checks failed, 4 WeChat failed.
 */
import { runRelease } from './release'

async function main(): Promise<void> {
  const [mode, ...argv] = process.argv.slice(2)
  if (mode !== 'preview' && mode !== 'upload') {
    console.error('✗ [RELEASE_ARG_UNKNOWN] 用法：npm run weapp:preview 或 npm run weapp:upload -- --version 1.2.0 --desc "说明"')
    process.exit(2)
  }
  const code = await runRelease(mode, argv)
  // miniprogram-ci leaves watchers open; exit explicitly.
  process.exit(code)
}

void main()
