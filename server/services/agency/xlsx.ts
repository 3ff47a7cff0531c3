/**
 * Tables of text → XLSX and CSV bytes that are the same every time for the same rows: the export id
 * promises the same file, and its checksum must not change between two downloads or two builds.
 *
 * exceljs stamps the workbook's created/modified dates (docProps/core.xml) with the time of writing,
 * and its zip writer stamps every zip entry with it: the first are pinned to the date given, the second are
 * rewritten in the finished zip (pinZipTimes). Cells are all text (an ID number must not become a
 * number Excel rounds), one sheet, fixed column order.
 */
import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import { PassThrough } from 'node:stream'

export interface Table {
  sheet: string
  headers: readonly string[]
  rows: readonly (readonly string[])[]
}

/**
 * Writes one sheet of text cells row by row with exceljs's streaming writer (rows are not kept, the
 * zip is deflated by zlib as it goes: about twice as fast as the in-memory workbook and flat in memory),
 * collecting the file's bytes. Inline strings, no shared-string table: the cells are written in row order.
 */
export class XlsxTableWriter {
  private readonly chunks: Buffer[] = []
  private readonly wb: ExcelJS.stream.xlsx.WorkbookWriter
  private readonly ws: ExcelJS.Worksheet
  rows = 0

  constructor(sheet: string, headers: readonly string[], pinnedAt: Date) {
    const out = new PassThrough()
    out.on('data', (c: Buffer) => this.chunks.push(c))
    this.wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false })
    this.wb.creator = '银龄认证'
    this.wb.lastModifiedBy = '银龄认证'
    this.wb.created = pinnedAt
    this.wb.modified = pinnedAt
    this.ws = this.wb.addWorksheet(sheet)
    this.ws.columns = headers.map((h) => ({ header: h, width: Math.max(10, h.length * 2 + 4) }))
    this.ws.getRow(1).font = { bold: true }
  }

  add(row: readonly string[]): void {
    this.ws.addRow(row as string[]).commit()
    this.rows++
  }

  async finish(): Promise<Buffer> {
    this.ws.commit()
    await this.wb.commit()
    const out = Buffer.concat(this.chunks)
    pinZipTimes(out)
    return out
  }
}

/** The XLSX of a table; `pinnedAt` is written as the document's created/modified date. */
export async function tableXlsx(table: Table, pinnedAt: Date): Promise<Buffer> {
  const w = new XlsxTableWriter(table.sheet, table.headers, pinnedAt)
  for (const r of table.rows) w.add(r)
  return w.finish()
}

/** DOS date 1980-01-01 00:00:00, the earliest a zip entry can carry. */
const DOS_TIME = 0
const DOS_DATE = (0 << 9) | (1 << 5) | 1

/**
 * Sets every entry's modification time in a zip (local headers and central directory) to a fixed
 * value, in place. The CRCs cover the data only, so the archive stays valid. Throws on a zip it
 * cannot walk (zip64, a comment): then the build fails loudly instead of handing out varying bytes.
 */
export function pinZipTimes(zip: Buffer): void {
  const eocd = zip.length - 22
  if (eocd < 0 || zip.readUInt32LE(eocd) !== 0x06054b50) throw new Error('zip: end of central directory not where expected')
  const entries = zip.readUInt16LE(eocd + 10)
  let at = zip.readUInt32LE(eocd + 16)
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('zip: central directory entry expected')
    zip.writeUInt16LE(DOS_TIME, at + 12)
    zip.writeUInt16LE(DOS_DATE, at + 14)
    const local = zip.readUInt32LE(at + 42)
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error('zip: local header expected')
    zip.writeUInt16LE(DOS_TIME, local + 10)
    zip.writeUInt16LE(DOS_DATE, local + 12)
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32)
  }
}

const cell = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)

/** One CSV line (no line end): cells quoted where needed. */
export const csvLine = (cells: readonly string[]): string => cells.map(cell).join(',')

/** The table as CSV text: header line, CRLF line ends (what Excel writes and the roster import reads). */
export function tableCsvText(table: Table): string {
  const lines = [csvLine(table.headers)]
  for (const r of table.rows) lines.push(csvLine(r))
  return lines.join('\r\n') + '\r\n'
}

/** UTF-8 with BOM: Excel on Windows then shows the Chinese right. */
export function csvUtf8Bom(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])
}

/**
 * "GBK" as the core systems read it. Encoded as GB18030, its superset: every character GBK has gets
 * exactly its GBK bytes, and a rare name character GBK lacks (e.g. 㛃) gets its GB18030 bytes
 * instead of a '?' — the roster import decodes GBK files as GB18030 too (server/roster/decode.ts).
 */
export function csvGbk(text: string): Buffer {
  return iconv.encode(text, 'gb18030')
}
