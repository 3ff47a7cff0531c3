/**
 * `npm run build:console`: bundles the agency console (console/src) with esbuild into dist/console/
 * — content-hashed files under assets/ (cached for a year by the backend) and an index.html that
 * names them (never cached). Pages are split into chunks so the sign-in page does not load ECharts.
 * Prints the bundle size, raw and gzip. Usable from code (scripts/start.ts, the e2e test).
 */
import { build } from 'esbuild'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, join, relative, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'

const ROOT = resolve(__dirname, '..')
export const CONSOLE_SRC = join(ROOT, 'console')
export const CONSOLE_OUT = join(ROOT, 'dist', 'console')
/** Where the app is served; the asset URLs in index.html start with it. */
export const CONSOLE_BASE = '/agency/'

export interface ConsoleBuildResult {
  outDir: string
  files: number
  rawBytes: number
  gzipBytes: number
  /** The entry script and stylesheet loaded by the sign-in page (what a clerk waits for first). */
  entryRawBytes: number
  entryGzipBytes: number
}

export async function buildConsole(outDir: string = CONSOLE_OUT): Promise<ConsoleBuildResult> {
  // Build next to the target and swap, so a running backend never serves half a build.
  const tmp = `${outDir}.tmp-${process.pid}`
  rmSync(tmp, { recursive: true, force: true })
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { main: join(CONSOLE_SRC, 'src', 'main.tsx') },
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    sourcemap: false,
    target: ['chrome100'],
    jsx: 'automatic',
    outdir: join(tmp, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: 'asset-[hash]',
    publicPath: `${CONSOLE_BASE}assets/`,
    metafile: true,
    legalComments: 'external',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  })
  const outputs = Object.entries(result.metafile.outputs)
  const entry = outputs.find(([, o]) => o.entryPoint && o.entryPoint.endsWith('main.tsx'))
  if (!entry) throw new Error('esbuild produced no entry script')
  const entryJs = basename(entry[0])
  const entryCss = entry[1].cssBundle ? basename(entry[1].cssBundle) : null
  // What the first page load fetches: the entry, the chunks it imports statically, its stylesheet.
  const firstLoad = new Set<string>(['index.html', ...(entryCss ? [entryCss] : [])])
  const visit = (out: string) => {
    if (firstLoad.has(basename(out))) return
    firstLoad.add(basename(out))
    for (const imp of result.metafile.outputs[out]?.imports ?? []) if (imp.kind === 'import-statement') visit(imp.path)
  }
  visit(entry[0])
  writeFileSync(join(tmp, 'index.html'), indexHtml(entryJs, entryCss))

  mkdirSync(resolve(outDir, '..'), { recursive: true })
  swapIn(tmp, outDir)

  let rawBytes = 0
  let gzipBytes = 0
  let files = 0
  let entryRawBytes = 0
  let entryGzipBytes = 0
  for (const file of listFiles(outDir)) {
    if (!/\.(js|css|html)$/.test(file)) continue
    const body = readFileSync(file)
    const gz = gzipSync(body, { level: 9 }).length
    files++
    rawBytes += body.length
    gzipBytes += gz
    const name = basename(file)
    if (firstLoad.has(name)) {
      entryRawBytes += body.length
      entryGzipBytes += gz
    }
  }
  return { outDir, files, rawBytes, gzipBytes, entryRawBytes, entryGzipBytes }
}

/**
 * Replaces outDir by the fresh build. Two builds at once (two `npm start` in parallel tests) may
 * race: when the other one's rename lands between our remove and rename, its build (from the same
 * sources) stays and ours is dropped.
 */
function swapIn(tmp: string, outDir: string): void {
  for (let attempt = 0; attempt < 3; attempt++) {
    rmSync(outDir, { recursive: true, force: true })
    try {
      renameSync(tmp, outDir)
      return
    } catch (err) {
      if (attempt === 2 && existsSync(join(outDir, 'index.html'))) {
        rmSync(tmp, { recursive: true, force: true })
        return
      }
      if (attempt === 2) throw err
    }
  }
}

function indexHtml(entryJs: string, entryCss: string | null): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>银龄认证 · 经办机构工作台</title>
<link rel="icon" href="data:,">
${entryCss ? `<link rel="stylesheet" href="${CONSOLE_BASE}assets/${entryCss}">\n` : ''}<script type="module" src="${CONSOLE_BASE}assets/${entryJs}"></script>
</head>
<body>
<div id="root"><noscript>请在浏览器中启用 JavaScript 后使用经办机构工作台。</noscript></div>
</body>
</html>
`
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? listFiles(path) : [path]
  })
}

/** Newest modification time of the console's sources (console/ and the endpoint table), for start.ts. */
export function consoleSourcesMtime(): number {
  let newest = 0
  const visit = (path: string) => {
    if (!existsSync(path)) return
    const st = statSync(path)
    if (st.isDirectory()) {
      for (const name of readdirSync(path)) if (name !== 'node_modules' && !name.startsWith('.')) visit(join(path, name))
    } else if (st.mtimeMs > newest) newest = st.mtimeMs
  }
  visit(CONSOLE_SRC)
  visit(join(ROOT, 'src', 'core', 'contracts', 'agency'))
  visit(join(ROOT, 'src', 'core', 'errors.ts'))
  return newest
}

/** Why the console needs building, or null when dist/console is newer than its sources. */
export function consoleBuildReason(outDir: string = CONSOLE_OUT): string | null {
  const index = join(outDir, 'index.html')
  if (!existsSync(index)) return '还没有经办机构工作台的构建'
  return consoleSourcesMtime() > statSync(index).mtimeMs ? '工作台源代码比构建新' : null
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`

if (require.main === module) {
  const started = Date.now()
  buildConsole()
    .then((r) => {
      console.log(`✓ 经办机构工作台已构建到 ${relative(process.cwd(), r.outDir) || r.outDir}（${r.files} 个文件，用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒）`)
      console.log(`  bundle: ${kb(r.rawBytes)} raw, ${kb(r.gzipBytes)} gzip (all chunks); first load (index.html, entry and its static imports): ${kb(r.entryRawBytes)} raw, ${kb(r.entryGzipBytes)} gzip`)
    })
    .catch((err) => {
      console.error(`✗ 工作台构建失败：${err instanceof Error ? err.message : String(err)}`)
      process.exit(1)
    })
}
