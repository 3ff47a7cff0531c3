/** Reads a roster file from disk: bytes → decoded text → raw rows. */
import { readFileSync } from 'node:fs'
import { decodeRoster, type RosterEncoding } from './decode'
import { parseRosterCsv, type ParsedRoster } from './parse'

export function readRosterFile(path: string): ParsedRoster & { encoding: RosterEncoding } {
  const { text, encoding } = decodeRoster(readFileSync(path))
  return { ...parseRosterCsv(text), encoding }
}
