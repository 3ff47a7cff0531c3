/** Shared by the identity tests: a migrated store with a few persons, fixture faces. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { migrateToLatest } from '../../../server/db/migrate'
import { newId } from '../../../server/db/ids'
import type { Dialect } from '../../../server/db/schema'
import { insertPerson } from '../../../server/repositories/persons'
import { createTestStore, type TestStore } from '../../support/db'

export const FACES_DIR = join(__dirname, '..', '..', 'fixtures', 'faces')
export const face = (name: 'cap12-ref' | 'cap13-frame-a' | 'cap13-frame-b' | 'franck-frame' | 'blank'): Buffer => readFileSync(join(FACES_DIR, `${name}.jpg`))
export const faceB64 = (name: Parameters<typeof face>[0]): string => face(name).toString('base64')

/** Inserts a person with placeholder (not real) encrypted fields; returns its id. */
export async function addPerson(test: TestStore, personNo: string): Promise<string> {
  const id = newId()
  const now = '2026-11-27T02:00:00.000Z'
  await insertPerson(test.store.db, {
    id,
    person_no: personNo,
    pii_enc: 'v1:x',
    name_masked: '王*英',
    id_number_hash: `hash-${personNo}`,
    id_number_masked: '1101**********0127',
    insurance_type: 'enterprise',
    employer: '示例单位',
    benefit_status: 'normal',
    suspended_since: null,
    last_certified_on: null,
    region_code: '110101',
    enrolled_on: '2020-01-01',
    key_version: 'v1',
    created_at: now,
    updated_at: now,
  })
  return id
}

export async function migratedStore(dialect: Dialect): Promise<TestStore> {
  const test = await createTestStore(dialect)
  await migrateToLatest(test.store)
  return test
}
