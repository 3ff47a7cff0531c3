/** Roster files come as UTF-8 (with or without BOM) or GBK (Excel on Chinese Windows): detect which. */
import iconv from 'iconv-lite'

export type RosterEncoding = 'utf-8' | 'utf-8-bom' | 'gbk'

export function decodeRoster(bytes: Buffer): { text: string; encoding: RosterEncoding } {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: bytes.subarray(3).toString('utf8'), encoding: 'utf-8-bom' }
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' }
  } catch {
    // Not valid UTF-8: GB18030 is a superset of GBK and GB2312.
    return { text: iconv.decode(bytes, 'gb18030'), encoding: 'gbk' }
  }
}

/** Bytes of a roster whose encoding is already known (a piece of the file). */
export function decodeAs(bytes: Uint8Array, encoding: RosterEncoding): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return encoding === 'gbk' ? iconv.decode(buf, 'gb18030') : buf.toString('utf8')
}
