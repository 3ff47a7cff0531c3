/**
 * local-face-match with REAL faces and the real Human models (one instance for this file):
 * cap12 (reference) and cap13 are the same person; franck is someone else; blank has no face.
 */
import { EmbeddingCipher, EmbeddingDecryptError } from '../../../server/identity/embedding-cipher'
import { enrolFaceReference } from '../../../server/identity/enrol'
import { HumanFaceEmbedder, similarity } from '../../../server/identity/human-node'
import { LocalFaceMatchVerifier, median, type LocalFaceMatchOptions } from '../../../server/identity/local-face-match'
import type { IdentitySubject } from '../../../server/identity/port'
import { findFaceReference } from '../../../server/repositories/face-references'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS, type TestStore } from '../../support/db'
import { TEST_KEY_V1, TEST_KEY_V2 } from '../helpers/config'
import { addPerson, face, faceB64, migratedStore } from './helpers'

const embedder = new HumanFaceEmbedder()
const cipher = new EmbeddingCipher({ v1: TEST_KEY_V1 }, 'v1')

const subject = (personId: string, sessionId = 'sess-1'): IdentitySubject => ({ personId, sessionId, openid: 'o-test', name: '王秀英', idNumber: '110101195203140127' })

beforeAll(async () => {
  await embedder.load()
}, 120_000)

describe('Human in Node (wasm backend, bundled models)', () => {
  it('embeds the fixture faces, and the ported similarity equals Human’s own', async () => {
    const [ref] = await embedder.embed(face('cap12-ref'))
    const [same] = await embedder.embed(face('cap13-frame-a'))
    const [other] = await embedder.embed(face('franck-frame'))
    expect(ref.embedding).toHaveLength(1024)
    expect(ref.score).toBeGreaterThan(0.9)
    const human = await embedder.load()
    for (const b of [same, other]) expect(similarity(ref.embedding, b.embedding)).toBe(human.match.similarity(ref.embedding, b.embedding))
    expect(similarity(ref.embedding, same.embedding)).toBeGreaterThan(0.55)
    expect(similarity(ref.embedding, other.embedding)).toBeLessThan(0.45)
  }, 60_000)

  it('finds no face in a blank image and refuses a non-JPEG', async () => {
    expect(await embedder.embed(face('blank'))).toEqual([])
    await expect(embedder.embed(Buffer.from('not a jpeg'))).rejects.toThrow('not a JPEG')
    await expect(embedder.embed(Buffer.from([0xff, 0xd8, 0xff, 0x00, 1, 2, 3]))).rejects.toThrow('image not decodable')
  }, 30_000)
})

describe('median', () => {
  it('takes the middle value', () => {
    expect(median([0.9, 0.1, 0.5])).toBe(0.5)
    expect(median([0.2, 0.8])).toBe(0.5)
  })
})

describe('embedding cipher', () => {
  it('round-trips, binds the person, and names the key version', () => {
    const emb = [0.1, -0.25, 0.5]
    const text = cipher.encrypt('p1', emb)
    expect(text.startsWith('v1:')).toBe(true)
    expect(cipher.decrypt('p1', text).map((x) => Math.round(x * 1000) / 1000)).toEqual(emb)
    expect(() => cipher.decrypt('p2', text)).toThrow(EmbeddingDecryptError)
    const rotated = new EmbeddingCipher({ v1: TEST_KEY_V1, v2: TEST_KEY_V2 }, 'v2')
    expect(rotated.decrypt('p1', text)).toHaveLength(3)
  })
})

describe.each(DIALECTS)('local-face-match on %s', (dialect) => {
  let test: TestStore
  let cap12: string
  let nobody: string
  const verifier = (extra: Partial<LocalFaceMatchOptions> = {}) =>
    new LocalFaceMatchVerifier({ db: test.store.db, embedder, cipher, threshold: 0.55, maxFrames: 5, noReference: 'review', ...extra })

  beforeAll(async () => {
    test = await migratedStore(dialect)
    cap12 = await addPerson(test, 'P-CAP12')
    nobody = await addPerson(test, 'P-NOREF')
    const enrolled = await enrolFaceReference({ db: test.store.db, embedder, cipher }, { personId: cap12, photo: face('cap12-ref'), source: 'cli', enrolledBy: 'op-1' })
    expect(enrolled).toMatchObject({ ok: true, replaced: false })
  }, STORE_SETUP_TIMEOUT_MS)

  afterAll(async () => {
    await test?.close()
  })

  it('stores the embedding encrypted with metadata, never the photo', async () => {
    const row = await findFaceReference(test.store.db, cap12)
    expect(row).toMatchObject({ embedding_dims: 1024, model: embedder.model, source: 'cli', enrolled_by: 'op-1', key_version: 'v1' })
    expect(row!.embedding_enc.startsWith('v1:')).toBe(true)
    expect(row!.embedding_enc).not.toContain(faceB64('cap12-ref').slice(100, 140))
    expect(cipher.decrypt(cap12, row!.embedding_enc)).toHaveLength(1024)
    const audit = await test.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'identity.reference_enrolled').execute()
    expect(audit).toHaveLength(1)
    expect(audit[0].subject_person_id).toBe(cap12)
  })

  it('verifies the same person (cap12 reference, cap13 frames)', async () => {
    const out = await verifier().verify(subject(cap12), { frames: [faceB64('cap13-frame-a'), faceB64('cap13-frame-b')] })
    expect(out.outcome).toBe('verified')
    expect(out.outcome === 'verified' && out.score).toBeGreaterThanOrEqual(0.55)
  }, 30_000)

  it('rejects a different person as face_mismatch', async () => {
    const out = await verifier().verify(subject(cap12), { frames: [faceB64('franck-frame')] })
    expect(out).toMatchObject({ outcome: 'rejected', reason: 'face_mismatch' })
    expect(out.outcome === 'rejected' && out.score).toBeLessThan(0.55)
  }, 30_000)

  it('does not let one matching frame carry a majority of other faces', async () => {
    const frames = [faceB64('cap13-frame-a'), faceB64('franck-frame'), faceB64('franck-frame')]
    expect(await verifier().verify(subject(cap12), { frames })).toMatchObject({ outcome: 'rejected', reason: 'face_mismatch' })
  }, 30_000)

  it('rejects frames without a face, empty evidence and undecodable frames as no_face', async () => {
    expect(await verifier().verify(subject(cap12), { frames: [faceB64('blank')] })).toEqual({ outcome: 'rejected', reason: 'no_face' })
    expect(await verifier().verify(subject(cap12), { frames: [] })).toEqual({ outcome: 'rejected', reason: 'no_face' })
    expect(await verifier().verify(subject(cap12), { frames: ['!!notbase64', Buffer.from('hello').toString('base64')] })).toEqual({ outcome: 'rejected', reason: 'no_face' })
  }, 30_000)

  it('examines at most maxFrames frames', async () => {
    const frames = [faceB64('blank'), faceB64('cap13-frame-a')]
    expect(await verifier({ maxFrames: 1 }).verify(subject(cap12), { frames })).toEqual({ outcome: 'rejected', reason: 'no_face' })
  }, 30_000)

  it('sends a person without a reference to review (or rejects no_reference when configured)', async () => {
    const frames = [faceB64('cap13-frame-a')]
    expect(await verifier().verify(subject(nobody), { frames })).toEqual({ outcome: 'pending_review', reason: 'no_reference' })
    expect(await verifier({ noReference: 'reject' }).verify(subject(nobody), { frames })).toEqual({ outcome: 'rejected', reason: 'no_reference' })
  })

  it('waits for review when no frames were sent (e.g. weapp with uploading off)', async () => {
    expect(await verifier().verify(subject(cap12), {})).toEqual({ outcome: 'pending_review', reason: 'frames_not_sent' })
  })

  it('waits for review, saying the reference must be enrolled again, when it came from another face model', async () => {
    const older = await addPerson(test, 'P-OLDMODEL')
    expect(await enrolFaceReference({ db: test.store.db, embedder, cipher }, { personId: older, photo: face('cap12-ref'), source: 'cli', enrolledBy: 'op-1' })).toMatchObject({ ok: true })
    await test.store.db.updateTable('face_references').set({ model: 'an-older-model' }).where('person_id', '=', older).execute()
    expect(await verifier().verify(subject(older), { frames: [faceB64('cap13-frame-a')] })).toEqual({ outcome: 'pending_review', reason: 'reference_outdated' })
  }, 30_000)

  it('answers unavailable when the reference cannot be decrypted', async () => {
    const otherKey = new EmbeddingCipher({ v1: TEST_KEY_V2 }, 'v1')
    expect(await verifier({ cipher: otherKey }).verify(subject(cap12), { frames: [faceB64('cap13-frame-a')] })).toEqual({ outcome: 'unavailable' })
  })

  it('prepare needs nothing from the phone', async () => {
    expect(await verifier().prepare(subject(cap12))).toEqual({ kind: 'none' })
    expect(verifier().needsEvidenceFrames).toBe(true)
  })

  it('refuses to enrol a photo without a face or a non-JPEG, and replaces an existing reference', async () => {
    const deps = { db: test.store.db, embedder, cipher }
    expect(await enrolFaceReference(deps, { personId: nobody, photo: face('blank'), source: 'cli', enrolledBy: 'op-1' })).toEqual({ ok: false, reason: 'no_face' })
    expect(await enrolFaceReference(deps, { personId: nobody, photo: Buffer.from('GIF89a'), source: 'cli', enrolledBy: 'op-1' })).toEqual({ ok: false, reason: 'not_jpeg' })
    expect(await findFaceReference(test.store.db, nobody)).toBeUndefined()
    const again = await enrolFaceReference(deps, { personId: cap12, photo: face('cap12-ref'), source: 'roster', enrolledBy: 'import' })
    expect(again).toMatchObject({ ok: true, replaced: true })
    expect((await findFaceReference(test.store.db, cap12))?.source).toBe('roster')
  }, 30_000)
})
