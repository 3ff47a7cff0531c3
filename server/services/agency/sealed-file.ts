/**
 * Export files and uploaded rosters hold full names and ID numbers: at rest they are sealed with the
 * PII key (AES-256-GCM, its own additional data so a sealed file can never be opened as a person's
 * field or the reverse), like persons.pii_enc.
 */
import type { PiiCipher, PiiField } from '../../crypto/pii'

// Not a person field: the cipher takes any label as additional data (aadOf falls back to its bytes).
const FILE_AAD = 'agency_file' as PiiField

export function sealBytes(pii: PiiCipher, bytes: Buffer): string {
  return pii.encrypt(FILE_AAD, bytes.toString('base64'))
}

export function openBytes(pii: PiiCipher, sealed: string): Buffer {
  return Buffer.from(pii.decrypt(FILE_AAD, sealed), 'base64')
}
