/**
 * local-face-match: the person's enrolled reference embedding against the evidence frames of the
 * certification session, by Human's face description (server/identity/human-node.ts).
 *
 * Decision per session:
 *  - no enrolled reference → pending_review (IDENTITY_NO_REFERENCE=review, default: the agency has
 *    not enrolled a photo, which is not the person's fault) or rejected no_reference (=reject);
 *  - frames not sent at all (undefined: e.g. weapp where uploading is off) → pending_review;
 *  - frames sent but no face in any of them (or none decodable) → rejected no_face;
 *  - otherwise the median, over the frames with a face, of the similarity between the reference and
 *    the frame's main face (highest detector score, then largest) ≥ threshold → verified, else
 *    rejected face_mismatch. The median, not the best frame, so one lucky frame does not carry it.
 */
import { findFaceReference } from '../repositories/face-references'
import type { Db } from '../repositories/types'
import type { EmbeddingCipher } from './embedding-cipher'
import { silentLogger, type IdentityLogger } from './errors'
import { ImageDecodeError, type DetectedFace, type FaceEmbedder } from './human-node'
import type { IdentityClientStep, IdentityEvidence, IdentityOutcome, IdentitySubject, IdentityVerifier } from './port'

export interface LocalFaceMatchOptions {
  db: Db
  embedder: FaceEmbedder
  cipher: EmbeddingCipher
  threshold: number
  maxFrames: number
  noReference: 'review' | 'reject'
  logger?: IdentityLogger
}

/** Largest accepted evidence frame (base64 text length ≈ 4/3 of the bytes). */
export const MAX_FRAME_BASE64_CHARS = 2_000_000

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

export function pickMainFace(faces: DetectedFace[]): DetectedFace | undefined {
  return [...faces].sort((a, b) => b.score - a.score || b.box[2] * b.box[3] - a.box[2] * a.box[3])[0]
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

export class LocalFaceMatchVerifier implements IdentityVerifier {
  readonly kind = 'local-face-match' as const
  readonly needsEvidenceFrames = true
  private readonly log: IdentityLogger

  constructor(private readonly opts: LocalFaceMatchOptions) {
    this.log = opts.logger ?? silentLogger
  }

  async prepare(_subject: IdentitySubject): Promise<IdentityClientStep> {
    return { kind: 'none' }
  }

  async verify(subject: IdentitySubject, evidence: IdentityEvidence): Promise<IdentityOutcome> {
    const { db, embedder, cipher } = this.opts
    const ref = await findFaceReference(db, subject.personId)
    if (!ref) {
      this.log.info({ personId: subject.personId, sessionId: subject.sessionId, verifier: this.kind }, 'identity: no enrolled reference')
      return this.opts.noReference === 'reject' ? { outcome: 'rejected', reason: 'no_reference' } : { outcome: 'pending_review', reason: 'no_reference' }
    }
    if (ref.model !== embedder.model) {
      // Embeddings of different models are not comparable: the reference must be enrolled again.
      this.log.warn({ personId: subject.personId, referenceModel: ref.model, model: embedder.model }, 'identity: reference from another model, needs re-enrolment')
      return { outcome: 'pending_review', reason: 'reference_outdated' }
    }
    if (evidence.frames === undefined) return { outcome: 'pending_review', reason: 'frames_not_sent' }

    let reference: number[]
    try {
      reference = cipher.decrypt(subject.personId, ref.embedding_enc)
    } catch (err) {
      this.log.error({ personId: subject.personId, err: err instanceof Error ? err.message : String(err) }, 'identity: reference not readable')
      return { outcome: 'unavailable' }
    }

    const frames = evidence.frames.slice(0, this.opts.maxFrames)
    const scores: number[] = []
    let undecodable = 0
    const started = Date.now()
    for (const frame of frames) {
      if (typeof frame !== 'string' || frame.length > MAX_FRAME_BASE64_CHARS || !BASE64.test(frame)) {
        undecodable++
        continue
      }
      let faces: DetectedFace[]
      try {
        // Each detection holds the event loop for ~150 ms; let other requests in between frames so
        // load shedding (under-pressure) does not answer 503 to everyone during one check.
        await new Promise<void>((resolve) => setImmediate(resolve))
        faces = await embedder.embed(Buffer.from(frame, 'base64'))
      } catch (err) {
        if (err instanceof ImageDecodeError) {
          undecodable++
          continue
        }
        this.log.error({ sessionId: subject.sessionId, err: err instanceof Error ? err.message : String(err) }, 'identity: face embedder failed')
        return { outcome: 'unavailable' }
      }
      const face = pickMainFace(faces)
      if (face) scores.push(embedder.similarity(reference, face.embedding))
    }
    const ms = Date.now() - started
    const detail = { personId: subject.personId, sessionId: subject.sessionId, verifier: this.kind, frames: frames.length, withFace: scores.length, undecodable, ms }
    if (scores.length === 0) {
      this.log.info(detail, 'identity: no face in evidence')
      return { outcome: 'rejected', reason: 'no_face' }
    }
    const score = Math.round(median(scores) * 1000) / 1000
    const verified = score >= this.opts.threshold
    this.log.info({ ...detail, score, threshold: this.opts.threshold, verified }, 'identity: face match')
    return verified ? { outcome: 'verified', score } : { outcome: 'rejected', reason: 'face_mismatch', score }
  }
}
