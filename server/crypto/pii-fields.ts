/**
 * Personal fields as they are encrypted and looked up: name and card normalisation, and the ID-number blind
 * index (an HMAC under the PII index key), shared by binding, queries, relatives and roster import.
 */
import { normalizeIdNumber } from '../../src/core/id-number'
import type { PiiCipher } from './pii'

export const normaliseName = (name: string): string => name.trim().replace(/[•]/g, '·')
export const normaliseCard = (card: string): string => card.trim().toUpperCase()

export const idNumberHash = (pii: PiiCipher, idNumber: string): string => pii.blindIndex('id_number', normalizeIdNumber(idNumber))
