import { randomUUID } from 'node:crypto'

/** Ids are random UUIDs we generate ourselves, identical on both stores. */
export const newId = (): string => randomUUID()
