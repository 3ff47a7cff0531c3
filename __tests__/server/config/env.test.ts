import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, loadConfig } from '../../../server/config/env'
import { loadLocalSecrets } from '../../../server/config/local-secrets'

const tmp = () => mkdtempSync(join(tmpdir(), 'yl-env-'))
const key = Buffer.alloc(32, 7).toString('base64')

describe('loadConfig', () => {
  it('uses the documented defaults and creates a local key file with a warning', () => {
    const dir = tmp()
    const warnings: string[] = []
    const c = loadConfig({ DATA_DIR: dir }, { warn: (m) => warnings.push(m) })
    expect(c).toMatchObject({ nodeEnv: 'development', host: '127.0.0.1', port: 8787, sqlitePath: join(dir, 'yinling.sqlite'), cyclePolicy: 'rolling12', demoSeed: true, sscAuthAdapter: 'local', nonceStore: 'db', logLevel: 'info', hmacKeyId: 'k1', piiKeyCurrent: 'v1' })
    expect(c.databaseUrl).toBeUndefined()
    expect(c.databasePreparedStatements).toBe(true)
    expect(loadConfig({ DATA_DIR: dir, DATABASE_PREPARED_STATEMENTS: 'false' }).databasePreparedStatements).toBe(false)
    expect(warnings.join('')).toContain('local-keys.json')
    expect(statSync(join(dir, 'local-keys.json')).mode & 0o777).toBe(0o600)
    // second start: same secrets, no warning
    const again = loadConfig({ DATA_DIR: dir }, { warn: (m) => warnings.push(m) })
    expect(warnings).toHaveLength(1)
    expect(again.hmacSecret).toBe(c.hmacSecret)
    expect(again.piiKeys.v1.equals(c.piiKeys.v1)).toBe(true)
  })

  it('SHED_LOOP_DELAY_MS: 1000 by default, 0 turns lag shedding off, anything else is refused in plain words', () => {
    expect(loadConfig({ DATA_DIR: tmp() }).shedLoopDelayMs).toBe(1000)
    expect(loadConfig({ DATA_DIR: tmp(), SHED_LOOP_DELAY_MS: '0' }).shedLoopDelayMs).toBe(0)
    expect(loadConfig({ DATA_DIR: tmp(), SHED_LOOP_DELAY_MS: '250' }).shedLoopDelayMs).toBe(250)
    for (const bad of ['-1', '5', 'abc', '100000']) {
      expect(() => loadConfig({ DATA_DIR: tmp(), SHED_LOOP_DELAY_MS: bad })).toThrow(/SHED_LOOP_DELAY_MS 必须是 0 或 10–99999 的整数/)
    }
  })

  it('whole-number settings of every feature: in range or refused, all problems reported at once, in both languages', () => {
    const dir = tmp()
    expect(loadConfig({ DATA_DIR: dir, WXACODE_WIDTH: '600', AGENCY_LOCKOUT_FAILURES: '10' })).toMatchObject({ notices: { width: 600 }, agency: { lockoutFailures: 10 } })
    let problems: string[] = []
    try {
      loadConfig({ DATA_DIR: dir, WXACODE_WIDTH: '2000', AGENCY_LOCKOUT_FAILURES: 'ten' })
    } catch (e) {
      problems = (e as ConfigError).problems
    }
    expect(problems).toContain('WXACODE_WIDTH 必须是 280–1280 的整数 / WXACODE_WIDTH must be an integer 280–1280')
    expect(problems).toContain('AGENCY_LOCKOUT_FAILURES 必须是 3–100 的整数 / AGENCY_LOCKOUT_FAILURES must be an integer 3–100')
  })

  it('shares the HMAC secret with the gateway through loadLocalSecrets(dataDir)', () => {
    const dir = tmp()
    const c = loadConfig({ DATA_DIR: dir })
    const s = loadLocalSecrets(dir)
    expect(s.created).toBe(false)
    expect(s.hmacSecret).toBe(c.hmacSecret)
    expect(s.hmacKeyId).toBe(c.hmacKeyId)
    expect(JSON.parse(readFileSync(s.path, 'utf8')).hmacSecret).toBe(c.hmacSecret)
  })

  it('takes keys from the environment', () => {
    const c = loadConfig({ DATA_DIR: tmp(), PII_KEYS: JSON.stringify({ v1: key, v2: key }), PII_KEY_CURRENT: 'v2', BACKEND_HMAC_SECRET: 's'.repeat(32), BACKEND_HMAC_KEY_ID: 'k7' })
    expect(c).toMatchObject({ piiKeyCurrent: 'v2', piiIndexKeyVersion: 'v1', hmacKeyId: 'k7', hmacSecret: 's'.repeat(32) })
  })

  it('refuses to create local keys in production, with a message in Chinese and English', () => {
    const dir = tmp()
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dir })).toThrow(ConfigError)
    try {
      loadConfig({ NODE_ENV: 'production', DATA_DIR: dir })
    } catch (err) {
      expect((err as Error).message).toContain('生产环境必须')
      expect((err as Error).message).toContain('production needs PII_KEYS')
    }
    const prod = loadConfig({ NODE_ENV: 'production', DATA_DIR: dir, PII_KEYS: JSON.stringify({ v1: key }), PII_KEY_CURRENT: 'v1', BACKEND_HMAC_SECRET: 'x'.repeat(40) })
    expect(prod.demoSeed).toBe(false)
  })

  it.each([
    [{ BACKEND_PORT: '99999' }, 'BACKEND_PORT'],
    [{ BACKEND_PORT: 'abc' }, 'BACKEND_PORT'],
    [{ CYCLE_POLICY: 'weekly' }, 'CYCLE_POLICY'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ SSC_AUTH_ADAPTER: 'remote' }, 'SSC_AUTH_ADAPTER'],
    [{ DEMO_SEED: 'yes' }, 'DEMO_SEED'],
    [{ DATABASE_PREPARED_STATEMENTS: 'off' }, 'DATABASE_PREPARED_STATEMENTS'],
    [{ PII_KEYS: '{"v1":"c2hvcnQ="}', PII_KEY_CURRENT: 'v1' }, 'PII_KEYS'],
    [{ PII_KEYS: 'not json', PII_KEY_CURRENT: 'v1' }, 'PII_KEYS'],
    [{ PII_KEYS: JSON.stringify({ v1: key }) }, 'PII_KEY_CURRENT'],
    [{ BACKEND_HMAC_SECRET: 'short' }, 'BACKEND_HMAC_SECRET'],
  ])('refuses %j naming %s', (env, name) => {
    expect(() => loadConfig({ DATA_DIR: tmp(), ...env })).toThrow(new RegExp(name))
  })
})
