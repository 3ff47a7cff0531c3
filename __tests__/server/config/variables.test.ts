/**
 * The one table of environment variables (server/config/variables.ts) against the code that reads
 * them: every variable read is in the table, every variable in the table is read, and EnvSchema's
 * defaults are the table's.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { EnvSchema } from '../../../server/config/env'
import { CONFIG_VARIABLES } from '../../../server/config/variables'

const ROOT = resolve(__dirname, '../../..')
/** Where configuration is read: the backend, the local servers, the cloud functions, npm start, the build. */
const READ_IN = ['server', 'servers', 'cloudfunctions', 'scripts/start.ts', 'config/build-env.ts', 'src/services/subscribe.ts']
/** Read by the code but not settings: set by tools or by the build itself. */
const NOT_SETTINGS = new Set(['JEST_WORKER_ID', 'TARO_ENV', 'YL_DEV_PAGES', 'YL_WEAPP_APPID', 'YL_CLOUD_ENV', 'YL_OUTPUT_ROOT'])

function files(path: string): string[] {
  const full = join(ROOT, path)
  if (!statSync(full).isDirectory()) return [full]
  return readdirSync(full).flatMap((name) => (name === 'node_modules' ? [] : files(join(path, name)))).filter((f) => /\.tsx?$/.test(f))
}

const NAME = '[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]'

/** Names read as env.X, env['X'], (env, 'X' …), [key, 'X'] pairs read through env[name], and the http limits' `${prefix}_X`. */
export function variablesRead(text: string): string[] {
  const found = new Set<string>()
  const forms = [`\\benv\\.(${NAME})\\b`, `\\benv\\[['"](${NAME})['"]\\]`, `\\(env, '(${NAME})'`, `\\['\\w+', '(${NAME})'\\]`]
  for (const form of forms) for (const m of text.matchAll(new RegExp(form, 'g'))) found.add(m[1])
  for (const m of text.matchAll(/`\$\{prefix\}_([A-Z0-9_]+)`/g)) for (const p of ['BACKEND', 'GATEWAY']) found.add(`${p}_${m[1]}`)
  return [...found]
}

const read = new Map<string, string>()
for (const path of READ_IN) {
  for (const file of files(path)) {
    for (const name of variablesRead(readFileSync(file, 'utf8'))) if (!NOT_SETTINGS.has(name)) read.set(name, relative(ROOT, file))
  }
}
for (const name of Object.keys(EnvSchema.entries)) read.set(name, 'server/config/env.ts')
const table = new Map(CONFIG_VARIABLES.map((v) => [v.name, v]))

test('every variable the code reads is in the table', () => {
  expect([...read].filter(([name]) => !table.has(name)).map(([name, file]) => `${name} (${file})`)).toEqual([])
})

test('every variable in the table is read somewhere', () => {
  expect([...table.keys()].filter((name) => !read.has(name))).toEqual([])
})

test('each variable is in the table once, with readers and a description', () => {
  expect(table.size).toBe(CONFIG_VARIABLES.length)
  for (const v of CONFIG_VARIABLES) {
    expect(v.readers.length).toBeGreaterThan(0)
    expect(v.description.length).toBeGreaterThan(10)
  }
})

test("EnvSchema's defaults are the table's", () => {
  const entries = EnvSchema.entries as Record<string, { default?: unknown }>
  const withDefault = Object.entries(entries).filter(([, schema]) => typeof schema.default === 'string')
  expect(withDefault.length).toBeGreaterThan(5)
  for (const [name, schema] of withDefault) expect(`${name}: ${table.get(name)?.default}`).toMatch(new RegExp(`^${name}: \`${String(schema.default).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\``))
})

test('the scan finds each form of reading a variable', () => {
  const text = "env.APP_PORT; env['X_Y']; int(env, 'CERT_MIN_FPS', 1); ['certDue', 'A_B'], `${prefix}_IDLE_TIMEOUT_MS`; readHttpLimits(env, 'GATEWAY'); env.TARO_APP_*"
  expect(variablesRead(text).sort()).toEqual(['APP_PORT', 'A_B', 'BACKEND_IDLE_TIMEOUT_MS', 'CERT_MIN_FPS', 'GATEWAY_IDLE_TIMEOUT_MS', 'X_Y'])
})
