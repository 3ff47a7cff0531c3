/**
 * Enrolment of a reference photo for local-face-match: the photo is turned into an embedding, which
 * is stored encrypted with its metadata; the photo itself is never stored. Exactly one clear face
 * is required. Used by `npm run identity:enrol` (server/cli/identity-enrol.ts).
 */
import { createHash } from 'node:crypto'
import { appendAudit } from '../repositories/audit'
import { upsertFaceReference } from '../repositories/face-references'
import type { Db } from '../repositories/types'
import { newId } from '../db/ids'
import type { EmbeddingCipher } from './embedding-cipher'
import { ImageDecodeError, type FaceEmbedder } from './human-node'

/** A reference face must be at least this many pixels wide (faceres works on a 224 px crop). */
export const MIN_REFERENCE_FACE_PX = 80
/** Second faces scoring at least this are treated as real: the photo is refused as ambiguous. */
export const SECOND_FACE_SCORE = 0.6

export type EnrolResult =
  | { ok: true; replaced: boolean; faceScore: number; model: string }
  | { ok: false; reason: 'not_jpeg' | 'no_face' | 'several_faces' | 'face_too_small' }

export interface EnrolInput {
  personId: string
  photo: Uint8Array
  source: 'cli' | 'roster'
  /** Who enrolled it (operator id or 'import'); goes to the audit log. */
  enrolledBy: string
}

export async function enrolFaceReference(
  deps: { db: Db; embedder: FaceEmbedder; cipher: EmbeddingCipher; clock?: () => Date },
  input: EnrolInput,
): Promise<EnrolResult> {
  let faces
  try {
    faces = await deps.embedder.embed(input.photo)
  } catch (err) {
    if (err instanceof ImageDecodeError) return { ok: false, reason: 'not_jpeg' }
    throw err
  }
  if (faces.length === 0) return { ok: false, reason: 'no_face' }
  if (faces.filter((f) => f.score >= SECOND_FACE_SCORE).length > 1) return { ok: false, reason: 'several_faces' }
  const face = faces[0]
  if (face.box[2] < MIN_REFERENCE_FACE_PX) return { ok: false, reason: 'face_too_small' }

  const now = (deps.clock?.() ?? new Date()).toISOString()
  const { replaced } = await upsertFaceReference(deps.db, {
    id: newId(),
    person_id: input.personId,
    embedding_enc: deps.cipher.encrypt(input.personId, face.embedding),
    embedding_dims: face.embedding.length,
    model: deps.embedder.model,
    face_score: Math.round(face.score * 1000) / 1000,
    source: input.source,
    source_sha256: createHash('sha256').update(input.photo).digest('hex'),
    enrolled_by: input.enrolledBy,
    key_version: deps.cipher.currentVersion,
    enrolled_at: now,
    updated_at: now,
  })
  await appendAudit(deps.db, {
    at: now,
    actorType: input.source === 'roster' ? 'import' : 'agency',
    actorRef: input.enrolledBy,
    action: 'identity.reference_enrolled',
    subjectPersonId: input.personId,
    detail: { replaced, source: input.source, model: deps.embedder.model },
  })
  return { ok: true, replaced, faceScore: face.score, model: deps.embedder.model }
}
