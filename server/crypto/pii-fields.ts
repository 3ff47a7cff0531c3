/**
 * Personal fields as they are encrypted and looked up: name and card normalisation, and the ID-number blind
 * index (an HMAC under the PII index key), shared by binding, queries, relatives and roster import.
 */
import { normalizeIdNumber } from '../../src/core/id-number'
import type { PiiCipher } from './pii'

export const normaliseName = (name: string): string => name.trim().replace(/[•]/g, '·')
export const normaliseCard = (card: string): string => card.trim().toUpperCase()

export const idNumberHash = (pii: PiiCipher, idNumber: string): string => pii.blindIndex('id_number', normalizeIdNumber(idNumber))

/**
 * persons.name_hash: the name's blind index (the agency console finds a person by name with it). The
 * same normalisation as every name comparison, so what matches by hand matches by hash.
 */
export const nameHash = (pii: PiiCipher, name: string): string => pii.blindIndex('name', normaliseName(name))
