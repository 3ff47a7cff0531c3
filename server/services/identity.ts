/** Normalisation of personal fields and the ID-number blind index, shared by binding and roster import. */
import { normalizeIdNumber } from '../../src/core/id-number'
import type { PiiCipher } from '../crypto/pii'

export const normaliseName = (name: string): string => name.trim().replace(/[•]/g, '·')
export const normaliseCard = (card: string): string => card.trim().toUpperCase()

export const idNumberHash = (pii: PiiCipher, idNumber: string): string => pii.blindIndex('id_number', normalizeIdNumber(idNumber))
