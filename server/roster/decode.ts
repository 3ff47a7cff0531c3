/** Roster files come as UTF-8 (with or without BOM) or GBK (Excel on Chinese Windows): detect which. */
import { isUtf8 } from 'node:buffer'
import iconv from 'iconv-lite'

export type RosterEncoding = 'utf-8' | 'utf-8-bom' | 'gbk'

/** The file's encoding, and its bytes without the BOM. Not valid UTF-8 means GBK. */
export function detectRosterEncoding(bytes: Buffer): { encoding: RosterEncoding; body: Buffer } {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8-bom', body: bytes.subarray(3) }
  return { encoding: isUtf8(bytes) ? 'utf-8' : 'gbk', body: bytes }
}

export function decodeRoster(bytes: Buffer): { text: string; encoding: RosterEncoding } {
  const { encoding, body } = detectRosterEncoding(bytes)
  return { text: decodeAs(body, encoding), encoding }
}

/** Bytes of a roster whose encoding is already known (the whole file, or a piece of it). */
export function decodeAs(bytes: Uint8Array, encoding: RosterEncoding): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  // GB18030 is a superset of GBK and GB2312.
  return encoding === 'gbk' ? iconv.decode(buf, 'gb18030') : buf.toString('utf8')
}
