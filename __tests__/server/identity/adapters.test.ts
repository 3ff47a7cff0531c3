/** Choosing the adapter, identity configuration, manual review, and the enrolment command (no Human here). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main as enrolCli } from '../../../server/cli/identity-enrol'
import { ConfigError, loadConfig } from '../../../server/config/env'
import { openStore } from '../../../server/db/connect'
import { migrateToLatest } from '../../../server/db/migrate'
import { newId } from '../../../server/db/ids'
import { createIdentityVerifier, shouldUploadEvidenceFrames } from '../../../server/identity'
import { ImageDecodeError, type FaceEmbedder } from '../../../server/identity/human-node'
import { ManualReviewVerifier } from '../../../server/identity/manual-review'
import { findFaceReference } from '../../../server/repositories/face-references'
import { testConfig, TEST_HMAC_SECRET, TEST_KEY_V1 } from '../helpers/config'

const BASE_ENV = { DATA_DIR: '/nonexistent', PII_KEYS: JSON.stringify({ v1: TEST_KEY_V1.toString('base64') }), PII_KEY_CURRENT: 'v1', BACKEND_HMAC_SECRET: TEST_HMAC_SECRET }
const WX = { WECHAT_APPID: 'wx0123456789abcdef', WECHAT_SECRET: '0123456789abcdef0123456789abcdef' }

describe('identity configuration', () => {
  it('defaults to local-face-match locally and manual-review in production', () => {
    const local = loadConfig(BASE_ENV).identity!
    expect(local).toEqual({ verifier: 'local-face-match', faceThreshold: 0.55, faceMaxFrames: 5, noReference: 'review', weappFrameUpload: false, wechatApiBase: 'https://api.weixin.qq.com', wechatAppId: undefined, wechatSecret: undefined })
    expect(loadConfig({ ...BASE_ENV, NODE_ENV: 'production' }).identity!.verifier).toBe('manual-review')
  })

  it('reads every identity variable', () => {
    const c = loadConfig({ ...BASE_ENV, ...WX, IDENTITY_VERIFIER: 'wechat-facial-verify', IDENTITY_FACE_THRESHOLD: '0.6', IDENTITY_FACE_MAX_FRAMES: '3', IDENTITY_NO_REFERENCE: 'reject', IDENTITY_WEAPP_FRAME_UPLOAD: 'true', WECHAT_API_BASE: 'http://127.0.0.1:9999/' }).identity!
    expect(c).toEqual({ verifier: 'wechat-facial-verify', faceThreshold: 0.6, faceMaxFrames: 3, noReference: 'reject', weappFrameUpload: true, wechatAppId: WX.WECHAT_APPID, wechatSecret: WX.WECHAT_SECRET, wechatApiBase: 'http://127.0.0.1:9999' })
  })

  it.each([
    [{ IDENTITY_VERIFIER: 'faceid' }, 'IDENTITY_VERIFIER'],
    [{ IDENTITY_FACE_THRESHOLD: '1.5' }, 'IDENTITY_FACE_THRESHOLD'],
    [{ IDENTITY_FACE_THRESHOLD: 'abc' }, 'IDENTITY_FACE_THRESHOLD'],
    [{ IDENTITY_FACE_MAX_FRAMES: '0' }, 'IDENTITY_FACE_MAX_FRAMES'],
    [{ IDENTITY_NO_REFERENCE: 'maybe' }, 'IDENTITY_NO_REFERENCE'],
    [{ WECHAT_APPID: 'abc' }, 'WECHAT_APPID'],
    [{ IDENTITY_VERIFIER: 'wechat-facial-verify' }, 'WECHAT_APPID and WECHAT_SECRET'],
    [{ ...WX, NODE_ENV: 'production', IDENTITY_VERIFIER: 'wechat-facial-verify', WECHAT_API_BASE: 'http://example.test' }, 'https'],
  ])('refuses %j with a message naming it', (env, needle) => {
    expect(() => loadConfig({ ...BASE_ENV, ...env })).toThrow(ConfigError)
    try {
      loadConfig({ ...BASE_ENV, ...env })
    } catch (err) {
      expect((err as Error).message).toContain(needle)
    }
  })
})

describe('createIdentityVerifier', () => {
  const db = {} as never
  it('builds the adapter the configuration names (defaults when a config has no identity block)', () => {
    expect(createIdentityVerifier(testConfig(), { db, embedder: {} as FaceEmbedder }).kind).toBe('local-face-match')
    expect(createIdentityVerifier(testConfig({ nodeEnv: 'production' }), { db }).kind).toBe('manual-review')
    const wx = loadConfig({ ...BASE_ENV, ...WX, IDENTITY_VERIFIER: 'wechat-facial-verify' })
    expect(createIdentityVerifier(wx, { db }).kind).toBe('wechat-facial-verify')
  })

  it('uploads evidence frames on H5 when the adapter needs them, on weapp only when the deployment allows it', () => {
    const local = createIdentityVerifier(testConfig(), { db, embedder: {} as FaceEmbedder })
    expect(shouldUploadEvidenceFrames(local, testConfig(), 'h5')).toBe(true)
    expect(shouldUploadEvidenceFrames(local, testConfig(), 'weapp')).toBe(false)
    const allow = loadConfig({ ...BASE_ENV, IDENTITY_WEAPP_FRAME_UPLOAD: 'true' })
    expect(shouldUploadEvidenceFrames(local, allow, 'weapp')).toBe(true)
    expect(shouldUploadEvidenceFrames(new ManualReviewVerifier(), allow, 'h5')).toBe(false)
  })
})

describe('manual-review', () => {
  it('needs nothing and always waits for the agency', async () => {
    const v = new ManualReviewVerifier()
    const s = { personId: 'p', sessionId: 's', openid: 'o', name: '王秀英', idNumber: '110101195203140127' }
    expect(v.needsEvidenceFrames).toBe(false)
    expect(await v.prepare()).toEqual({ kind: 'none' })
    expect(await v.verify()).toEqual({ outcome: 'pending_review', reason: 'agency_policy' })
    expect(await (v as { verify(a: unknown, b: unknown): Promise<unknown> }).verify(s, { frames: ['x'] })).toEqual({ outcome: 'pending_review', reason: 'agency_policy' })
  })
})

describe('npm run identity:enrol', () => {
  let dir: string
  let env: NodeJS.ProcessEnv
  const out: string[] = []
  const err: string[] = []
  /** Stands in for Human: the photo's first byte after the JPEG marker says how many faces. */
  const stub: FaceEmbedder = {
    model: 'stub/1',
    similarity: () => 1,
    embed: async (bytes) => {
      if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new ImageDecodeError('not a JPEG')
      return Array.from({ length: bytes[2] }, () => ({ score: 0.99, box: [10, 10, 120, 140] as [number, number, number, number], embedding: [0.1, 0.2, 0.3] }))
    },
  }
  const photo = (faces: number) => {
    const p = join(dir, `p${faces}.jpg`)
    writeFileSync(p, Buffer.from([0xff, 0xd8, faces]))
    return p
  }
  const run = (argv: string[]) => enrolCli(argv, { env, embedder: stub, out: (s) => out.push(s), err: (s) => err.push(s) })

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yl-enrol-'))
    env = { ...BASE_ENV, SQLITE_PATH: join(dir, 'db.sqlite') }
    const store = openStore({ sqlitePath: env.SQLITE_PATH! })
    await migrateToLatest(store)
    const now = new Date().toISOString()
    await store.db
      .insertInto('persons')
      .values({ id: newId(), person_no: 'A1', pii_enc: 'v1:x', name_masked: '王*英', id_number_hash: 'h', id_number_masked: 'm', insurance_type: 'enterprise', employer: 'e', benefit_status: 'normal', suspended_since: null, last_certified_on: null, region_code: '110101', enrolled_on: '2020-01-01', key_version: 'v1', created_at: now, updated_at: now })
      .execute()
    await store.db.destroy()
  })

  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('enrols, then replaces, a reference for a roster person', async () => {
    expect(await run(['A1', photo(1), '--operator', 'op7'])).toBe(0)
    expect(out.join('')).toContain('已登记参考照片：A1（王*英）')
    expect(await run(['A1', photo(1)])).toBe(0)
    expect(out.join('')).toContain('已更新参考照片')
    const store = openStore({ sqlitePath: env.SQLITE_PATH! })
    const person = await store.db.selectFrom('persons').select('id').where('person_no', '=', 'A1').executeTakeFirstOrThrow()
    expect(await findFaceReference(store.db, person.id)).toMatchObject({ model: 'stub/1', embedding_dims: 3, source: 'cli', enrolled_by: 'cli' })
    await store.db.destroy()
  })

  it('refuses photos without exactly one face, and unreadable files', async () => {
    expect(await run(['A1', photo(0)])).toBe(1)
    expect(await run(['A1', photo(2)])).toBe(1)
    const gif = join(dir, 'x.gif')
    writeFileSync(gif, 'GIF89a')
    expect(await run(['A1', gif])).toBe(1)
    expect(out.join('')).toContain('未找到人脸')
    expect(out.join('')).toContain('多张人脸')
    expect(out.join('')).toContain('不是 JPEG')
  })

  it('explains usage, unknown persons and missing files with exit code 2', async () => {
    expect(await run([])).toBe(2)
    expect(await run(['NOPE', photo(1)])).toBe(2)
    expect(await run(['A1', join(dir, 'missing.jpg')])).toBe(2)
    expect(err.join('')).toContain('用法')
    expect(err.join('')).toContain('名单中没有个人编号 NOPE')
    expect(err.join('')).toContain('找不到照片')
  })
})
