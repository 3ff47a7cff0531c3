/**
 * The layering rules (README § Layout), checked over the source on every run. Each rule is a
 * function from one file's text to its violations, so the synthetic cases at the bottom prove that
 * a violation is caught.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative, resolve, sep } from 'node:path'

const ROOT = resolve(__dirname, '../..')
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]))

interface SourceFile {
  /** Path from the repository root, with forward slashes. */
  path: string
  text: string
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : walk(full)
    return /\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts') ? [full] : []
  })
}

function sources(...dirs: string[]): SourceFile[] {
  return dirs.flatMap((d) => walk(join(ROOT, d))).map((full) => ({ path: relative(ROOT, full).split(sep).join('/'), text: readFileSync(full, 'utf8') }))
}

/** Comments out of the way, so a comment that mentions wx.request is not a call. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1')
}

/** Every module specifier a file imports, re-exports or requires (type-only imports count too). */
export function specifiers(text: string): string[] {
  const body = code(text)
  const found: string[] = []
  for (const m of body.matchAll(/\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/g)) found.push(m[1])
  for (const m of body.matchAll(/\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1])
  for (const m of body.matchAll(/\bdeclare\s+module\s+['"]([^'"]+)['"]/g)) found.push(m[1])
  return found
}

/** Where a specifier points: a repository path for relative and @/ imports, else the package name. */
function target(file: SourceFile, spec: string): { local: string } | { pkg: string } {
  if (spec.startsWith('@/')) return { local: `src/${spec.slice(2)}` }
  if (spec.startsWith('.')) return { local: relative(ROOT, resolve(ROOT, dirname(file.path), spec)).split(sep).join('/') }
  const parts = spec.split('/')
  return { pkg: spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0] }
}

const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`)

type Rule = (file: SourceFile) => string[]

/** src/core: pure domain — only valibot and other core files. */
export const coreRule: Rule = (file) =>
  specifiers(file.text).flatMap((spec) => {
    const t = target(file, spec)
    if ('pkg' in t) return t.pkg === 'valibot' ? [] : [`${file.path} imports ${spec}`]
    return under(t.local, 'src/core') ? [] : [`${file.path} imports ${spec} (outside src/core)`]
  })

/** Pages never talk to the platform or the network themselves: that is src/services' job. */
export const pageRule: Rule = (file) => {
  const body = code(file.text)
  const out: string[] = []
  if (/\bTaro\s*\.\s*[A-Za-z_$]/.test(body)) out.push(`${file.path} calls Taro.* directly (use a service)`)
  // Taro's default export is the platform API object (named hooks such as useDidShow are fine).
  if (/\bimport\s+Taro\b/.test(body)) out.push(`${file.path} imports Taro's API object (use a service)`)
  if (/(^|[^.\w$])wx\s*\.\s*[A-Za-z_$]/.test(body)) out.push(`${file.path} calls wx.* directly`)
  for (const spec of specifiers(file.text)) if (spec === 'wx-server-sdk' || spec.startsWith('@/services/transport')) out.push(`${file.path} imports ${spec}`)
  return out
}

/** The server imports src/core and its own files, node and its packages — nothing else of the repository. */
export const serverRule: Rule = (file) =>
  specifiers(file.text).flatMap((spec) => {
    const t = target(file, spec)
    if ('pkg' in t) return t.pkg === 'wx-server-sdk' || t.pkg.startsWith('@tarojs') ? [`${file.path} imports ${spec}`] : []
    return under(t.local, 'server') || under(t.local, 'src/core') ? [] : [`${file.path} imports ${spec} (only src/core is shared)`]
  })

/** Shared components do not reach into a subpackage (which the main package cannot load). */
export const componentRule: Rule = (file) =>
  specifiers(file.text).flatMap((spec) => {
    const t = target(file, spec)
    return 'local' in t && under(t.local, 'src/packages') ? [`${file.path} imports ${spec} (a subpackage)`] : []
  })

/** Cloud functions: their own folder, _shared, src/core, wx-server-sdk, node built-ins (and core's valibot). */
export const cloudRule: Rule = (file) => {
  // A function's own folder; cloudfunctions/handlers.ts (the gateway's map) is no function of its own.
  const parts = file.path.split('/')
  const own = parts.length > 2 ? parts.slice(0, 2).join('/') : 'cloudfunctions'
  return specifiers(file.text).flatMap((spec) => {
    const t = target(file, spec)
    if ('pkg' in t) return t.pkg === 'wx-server-sdk' || t.pkg === 'valibot' || BUILTINS.has(spec) ? [] : [`${file.path} imports ${spec}`]
    const ok = under(t.local, own) || under(t.local, 'cloudfunctions/_shared') || under(t.local, 'src/core') || t.local === 'cloudfunctions/handlers'
    return ok ? [] : [`${file.path} imports ${spec}`]
  })
}

const check = (rule: Rule, files: SourceFile[]) => files.flatMap(rule)

describe('the layering rules hold for the source', () => {
  test('src/core imports no platform code', () => {
    expect(check(coreRule, sources('src/core'))).toEqual([])
  })
  test('pages (src/pages, src/packages) never call Taro.*, wx.* or the cloud SDK', () => {
    expect(check(pageRule, sources('src/pages', 'src/packages'))).toEqual([])
  })
  test('the server imports only src/core of the rest of the repository', () => {
    expect(check(serverRule, sources('server'))).toEqual([])
  })
  test('src/components does not import from src/packages', () => {
    expect(check(componentRule, sources('src/components'))).toEqual([])
  })
  test('cloud functions import only _shared, src/core and wx-server-sdk', () => {
    expect(check(cloudRule, sources('cloudfunctions'))).toEqual([])
  })
})

describe('each rule catches a violation', () => {
  const file = (path: string, text: string): SourceFile => ({ path, text })

  test('core importing Taro, node or a service', () => {
    expect(coreRule(file('src/core/x.ts', "import Taro from '@tarojs/taro'"))).toHaveLength(1)
    expect(coreRule(file('src/core/x.ts', "import { readFileSync } from 'node:fs'"))).toHaveLength(1)
    expect(coreRule(file('src/core/x.ts', "import type { A } from '../services/api'"))).toHaveLength(1)
    expect(coreRule(file('src/core/contracts/x.ts', "import * as v from 'valibot'\nimport { ok } from '../errors'"))).toEqual([])
  })

  test('a page calling Taro.request, Taro.setClipboardData or wx.*', () => {
    expect(pageRule(file('src/packages/a/index.tsx', 'await Taro.request({ url })'))).toEqual(['src/packages/a/index.tsx calls Taro.* directly (use a service)'])
    expect(pageRule(file('src/packages/a/index.tsx', 'await Taro.setClipboardData({ data })'))).toHaveLength(1)
    expect(pageRule(file('src/packages/a/index.tsx', "import Taro from '@tarojs/taro'\nconst t = Taro as unknown as { setKeepScreenOn(): void }"))).toHaveLength(1)
    expect(pageRule(file('src/pages/index/index.tsx', 'wx.cloud.callFunction({ name })'))).toHaveLength(1)
    expect(pageRule(file('src/pages/index/index.tsx', "// Taro.request is the service's job\nimport { useDidShow } from '@tarojs/taro'"))).toEqual([])
  })

  test('the server importing the cloud functions or the mini-program', () => {
    expect(serverRule(file('server/app.ts', "import { HANDLERS } from '../cloudfunctions/handlers'"))).toHaveLength(1)
    expect(serverRule(file('server/app.ts', "import { x } from '../src/services/api'"))).toHaveLength(1)
    expect(serverRule(file('server/routes/a/index.ts', "import { ENDPOINTS } from '../../../src/core/contracts/endpoints'\nimport Fastify from 'fastify'"))).toEqual([])
  })

  test('a component importing a subpackage', () => {
    expect(componentRule(file('src/components/A/index.tsx', "import { x } from '@/packages/family/share'"))).toHaveLength(1)
    expect(componentRule(file('src/components/A/index.tsx', "import { x } from '../../packages/family/share'"))).toHaveLength(1)
  })

  test('a cloud function importing the server or another function', () => {
    expect(cloudRule(file('cloudfunctions/api/handler.ts', "import { x } from '../../server/services/status'"))).toHaveLength(1)
    expect(cloudRule(file('cloudfunctions/api/handler.ts', "import { x } from '../sendReminders/handler'"))).toHaveLength(1)
    expect(cloudRule(file('cloudfunctions/api/handler.ts', "import axios from 'axios'"))).toHaveLength(1)
    expect(cloudRule(file('cloudfunctions/api/custom/a.ts', "import { x } from '../handlers'\nimport { y } from '../../_shared/ports'"))).toEqual([])
  })
})
