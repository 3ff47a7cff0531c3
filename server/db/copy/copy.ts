/**
 * Copies an embedded SQLite store into an empty PostgreSQL database, every table, values as stored
 * (ciphertexts stay ciphertexts: no key is read). The target is first migrated by the project's own
 * migrations to the level the SQLite file is at; the rows then go in with COPY in one transaction,
 * table by table in foreign-key order, streamed from one read snapshot of the SQLite file in batches;
 * row counts and checksums of both sides are compared before that transaction commits. Any failure
 * rolls the rows back, leaving an empty (migrated) target the same command can be run on again.
 */
import { existsSync } from 'node:fs'
import SQLite from 'better-sqlite3'
import pg from 'pg'
import { openStore } from '../connect'
import { migrateTo, migrateToLatest } from '../migrate'
import { MIGRATIONS } from '../migrations'
import { CopyError } from './errors'
import { deferrableConstraints, foreignKeyOrder, nonEmptyTables, quoteIdent, secondaryIndexes, sourceMigrations, sourceTables, targetMigrations, targetTableNames, targetTables, type TargetTable } from './inspect'
import { copyIn } from './pg-copy-in'
import { copyField, TableChecksum, type SqlValue } from './values'

export type CopyProgress =
  | { kind: 'migrate'; upTo: string }
  | { kind: 'rows'; table: string; done: number; total: number }
  | { kind: 'indexes'; table: string; count: number }
  | { kind: 'verify'; table: string }
  | { kind: 'analyze'; tables: number }

export interface CopyOptions {
  /** The SQLite file. */
  from: string
  /** postgres://… of the target database. */
  to: string
  /** Rows per COPY statement at most (default 20,000). */
  batchRows?: number
  /** Characters per COPY statement at most (default 8 MiB). */
  batchChars?: number
  /**
   * Drop indexes, primary keys and unique constraints no foreign key depends on before a table's rows
   * go in, and build them once after (default true).
   */
  deferIndexes?: boolean
  onProgress?: (p: CopyProgress) => void
}

export interface TableResult {
  name: string
  rows: number
  /** 64 hex digits, the same on both sides (values.ts). */
  checksum: string
}

export interface CopyReport {
  tables: TableResult[]
  /** Tables only PostgreSQL has (left empty). */
  targetOnly: string[]
  /** Migrations applied to the target after the copy because the SQLite file was from an older release. */
  migratedAfter: string[]
}

const CODE_MIGRATIONS = MIGRATIONS.map(([name]) => name)

const isPrefix = (a: readonly string[], b: readonly string[]) => a.length <= b.length && a.every((n, i) => b[i] === n)

export function openSource(file: string): SQLite.Database {
  if (!existsSync(file)) throw new CopyError('DB_COPY_SOURCE_MISSING', `找不到 SQLite 数据库文件：${file}。请用 --from 指定文件（默认是 $DATA_DIR/yinling.sqlite）。`)
  let db: SQLite.Database
  try {
    db = new SQLite(file, { readonly: true, fileMustExist: true })
    db.pragma('busy_timeout = 5000')
  } catch (err) {
    throw new CopyError('DB_COPY_SOURCE_NOT_STORE', `无法打开 SQLite 数据库文件 ${file}：${(err as Error).message}`)
  }
  return db
}

/** The source's applied migrations, checked against this release's list. */
function checkSourceSchema(source: SQLite.Database, file: string): string[] {
  let applied: string[] | undefined
  try {
    applied = sourceMigrations(source)
  } catch (err) {
    throw new CopyError('DB_COPY_SOURCE_NOT_STORE', `${file} 不是可读的 SQLite 数据库：${(err as Error).message}`)
  }
  if (!applied || applied.length === 0) throw new CopyError('DB_COPY_SOURCE_NOT_STORE', `${file} 不是银龄认证后端的数据库（里面没有迁移记录 schema_migrations）。`)
  const unknown = applied.filter((n) => !CODE_MIGRATIONS.includes(n))
  if (unknown.length > 0) {
    throw new CopyError('DB_COPY_SOURCE_NEWER', `SQLite 数据库来自更新的版本（有本版本不认识的迁移：${unknown.join('、')}）。请用同一版本或更新版本的程序来复制。`)
  }
  if (!isPrefix(applied, CODE_MIGRATIONS)) throw new CopyError('DB_COPY_SCHEMA_MISMATCH', `SQLite 数据库的迁移记录不完整（${applied.join('、')}），无法确定它的结构。`)
  return applied
}

export async function connectTarget(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url })
  // A dropped connection is reported through the query that was running; this keeps it from also
  // being thrown as an unhandled 'error' event.
  client.on('error', () => {})
  try {
    await client.connect()
  } catch (err) {
    throw new CopyError('DB_COPY_TARGET_UNREACHABLE', `连不上目标 PostgreSQL 数据库：${(err as Error).message}。请检查 --to 的地址、用户名和密码。`)
  }
  return client
}

function notEmpty(tables: readonly string[]): CopyError {
  return new CopyError(
    'DB_COPY_TARGET_NOT_EMPTY',
    `目标数据库不是空的：表 ${tables.join('、')} 里已经有数据。db:copy 只复制到空数据库，不覆盖也不合并已有数据。请新建一个空数据库，再用 --to 指向它。`,
  )
}

/** Source and target tables side by side; every source table must exist in the target with the same columns. */
function pairTables(source: Map<string, string[]>, target: Map<string, TargetTable>): { tables: TargetTable[]; targetOnly: string[] } {
  const tables: TargetTable[] = []
  for (const [name, cols] of source) {
    const t = target.get(name)
    if (!t) throw new CopyError('DB_COPY_SCHEMA_MISMATCH', `目标数据库迁移后没有表 ${name}，复制会丢数据，已停止。`)
    const missing = cols.filter((c) => !t.columns.includes(c))
    const extra = t.columns.filter((c) => !cols.includes(c))
    if (missing.length > 0 || extra.length > 0) {
      throw new CopyError('DB_COPY_SCHEMA_MISMATCH', `表 ${name} 的列在两边不一样（只有 SQLite 有：${missing.join('、') || '无'}；只有 PostgreSQL 有：${extra.join('、') || '无'}），已停止。`)
    }
    tables.push(t)
  }
  return { tables, targetOnly: [...target.keys()].filter((n) => !source.has(n)).sort() }
}

/** Streams one table from the source into the target; returns the source-side checksum. */
async function copyTable(source: SQLite.Database, client: pg.Client, table: TargetTable, opts: Required<Pick<CopyOptions, 'batchRows' | 'batchChars' | 'deferIndexes'>> & Pick<CopyOptions, 'onProgress'>): Promise<TableChecksum> {
  const cols = table.columns.map(quoteIdent).join(', ')
  const total = Number(source.prepare(`select count(*) from ${quoteIdent(table.name)}`).pluck().get())
  const sum = new TableChecksum(table.types)
  if (total === 0) {
    opts.onProgress?.({ kind: 'rows', table: table.name, done: 0, total })
    return sum
  }
  // Inside the copy's transaction: a failure anywhere brings the dropped indexes back with the rollback.
  const deferred = opts.deferIndexes ? await secondaryIndexes(client, table.name) : []
  const constraints = opts.deferIndexes ? await deferrableConstraints(client, table.name) : []
  for (const ix of deferred) await client.query(`drop index ${quoteIdent(ix.name)}`)
  for (const c of constraints) await client.query(`alter table ${quoteIdent(table.name)} drop constraint ${quoteIdent(c.name)}`)
  const copySql = `copy ${quoteIdent(table.name)} (${cols}) from stdin`
  const stmt = source.prepare(`select ${cols} from ${quoteIdent(table.name)}`).raw(true).safeIntegers(true)
  // Two COPY statements in flight at most: PostgreSQL takes one batch while the next is read and encoded.
  const inFlight: Promise<void>[] = []
  let parts: string[] = []
  let chars = 0
  let batch = 0
  const flush = async () => {
    if (batch === 0) return
    const payload = Buffer.from(parts.join(''), 'utf8')
    parts = []
    chars = 0
    batch = 0
    const p = copyIn(client, copySql, payload)
    // Settled here so a failure is never an unhandled rejection; awaited below and on error.
    p.catch(() => {})
    inFlight.push(p)
    if (inFlight.length >= 2) await inFlight.shift()
    opts.onProgress?.({ kind: 'rows', table: table.name, done: sum.rows, total })
  }
  try {
    for (const row of stmt.iterate() as IterableIterator<SqlValue[]>) {
      sum.add(row)
      let line = ''
      for (let i = 0; i < row.length; i++) line += (i === 0 ? '' : '\t') + copyField(row[i], table.types[i])
      line += '\n'
      parts.push(line)
      chars += line.length
      if (++batch >= opts.batchRows || chars >= opts.batchChars) await flush()
    }
    await flush()
    while (inFlight.length > 0) await inFlight.shift()
  } catch (err) {
    await Promise.allSettled(inFlight)
    throw err
  }
  if (sum.rows !== total) throw new Error(`${table.name}: read ${sum.rows} rows, counted ${total}`)
  if (deferred.length + constraints.length > 0) {
    opts.onProgress?.({ kind: 'indexes', table: table.name, count: deferred.length + constraints.length })
    // Re-adding a key checks it over the whole table: a duplicate fails the copy (and rolls it back).
    for (const c of constraints) await client.query(`alter table ${quoteIdent(table.name)} add constraint ${quoteIdent(c.name)} ${c.definition}`)
    for (const ix of deferred) await client.query(ix.definition)
  }
  return sum
}

/** Count and checksum of a target table, read through a cursor (needs an open transaction). */
export async function checksumTarget(client: pg.ClientBase, table: TargetTable): Promise<TableChecksum> {
  const sum = new TableChecksum(table.types)
  const cursor = `yl_copy_${table.name.replace(/\W/g, '_')}`
  await client.query(`declare ${cursor} no scroll cursor for select ${table.columns.map(quoteIdent).join(', ')} from ${quoteIdent(table.name)}`)
  // The server's text for every value: canonicalValue interprets it by column type, as it does the SQLite value.
  const raw = { getTypeParser: () => (v: string) => v }
  for (;;) {
    const res = await client.query({ text: `fetch forward 10000 from ${cursor}`, rowMode: 'array', types: raw })
    for (const row of res.rows as SqlValue[][]) sum.add(row)
    if (res.rows.length < 10000) break
  }
  await client.query(`close ${cursor}`)
  return sum
}

/** Count and checksum of a source table (inside the caller's read snapshot). */
export function checksumSource(source: SQLite.Database, table: TargetTable): TableChecksum {
  const sum = new TableChecksum(table.types)
  const stmt = source.prepare(`select ${table.columns.map(quoteIdent).join(', ')} from ${quoteIdent(table.name)}`).raw(true).safeIntegers(true)
  for (const row of stmt.iterate() as IterableIterator<SqlValue[]>) sum.add(row)
  return sum
}

function mismatchError(bad: readonly { name: string; sourceRows: number; targetRows: number; sameSum: boolean }[]): CopyError {
  const list = bad.map((b) => (b.sourceRows !== b.targetRows ? `${b.name}（SQLite ${b.sourceRows} 行，PostgreSQL ${b.targetRows} 行）` : `${b.name}（行数相同，内容校验和不同）`))
  return new CopyError('DB_COPY_VERIFY_FAILED', `核对不一致：${list.join('；')}。`)
}

async function rollback(client: pg.Client): Promise<void> {
  try {
    await client.query('rollback')
  } catch {
    // The connection is gone: the server rolls the transaction back by itself.
  }
}

export async function copySqliteToPostgres(options: CopyOptions): Promise<CopyReport> {
  const opts = { batchRows: options.batchRows ?? 20_000, batchChars: options.batchChars ?? 8 << 20, deferIndexes: options.deferIndexes ?? true, onProgress: options.onProgress }
  const source = openSource(options.from)
  let client: pg.Client | undefined
  try {
    const applied = checkSourceSchema(source, options.from)
    client = await connectTarget(options.to)

    const before = await nonEmptyTables(client, await targetTableNames(client))
    if (before.length > 0) throw notEmpty(before)
    const targetApplied = await targetMigrations(client)
    if (!isPrefix(targetApplied, applied)) {
      throw new CopyError(
        'DB_COPY_TARGET_AHEAD',
        `目标数据库的结构比 SQLite 文件新（已执行迁移到 ${targetApplied[targetApplied.length - 1]}，SQLite 文件只到 ${applied[applied.length - 1]}）。请先用当前版本启动一次后端，让它升级 SQLite 文件；或者换一个新建的空数据库。`,
      )
    }

    // The schema comes from the migrations, as the backend would create it; up to the SQLite file's
    // level, so every column the file has exists and none is missing.
    const upTo = applied[applied.length - 1]
    opts.onProgress?.({ kind: 'migrate', upTo })
    const store = openStore({ databaseUrl: options.to, sqlitePath: '', poolSize: 1 })
    try {
      await migrateTo(store, upTo)
    } finally {
      await store.db.destroy()
    }

    const { tables, targetOnly } = pairTables(sourceTables(source), await targetTables(client))
    const order = await foreignKeyOrder(client, tables.map((t) => t.name))
    const byName = new Map(tables.map((t) => [t.name, t]))
    const ordered = order.map((n) => byName.get(n)!)

    await client.query('begin')
    // One snapshot of the source for the whole copy: a backend still writing to it cannot tear it.
    source.exec('begin')
    try {
      // A backend started on the target meanwhile waits (or gives up) instead of writing between our rows.
      await client.query(`set local lock_timeout = '15s'`)
      // Room to sort the keys of a million-row index in memory when the deferred indexes are built.
      await client.query(`set local maintenance_work_mem = '256MB'`)
      await client.query(`lock table ${ordered.map((t) => quoteIdent(t.name)).join(', ')} in exclusive mode`)
      const now = await nonEmptyTables(client, ordered.map((t) => t.name))
      if (now.length > 0) throw notEmpty(now)

      const sums = new Map<string, TableChecksum>()
      for (const t of ordered) sums.set(t.name, await copyTable(source, client, t, opts))

      const results: TableResult[] = []
      const bad: { name: string; sourceRows: number; targetRows: number; sameSum: boolean }[] = []
      for (const t of ordered) {
        opts.onProgress?.({ kind: 'verify', table: t.name })
        const s = sums.get(t.name)!
        const d = await checksumTarget(client, t)
        if (s.rows !== d.rows || s.hex !== d.hex) bad.push({ name: t.name, sourceRows: s.rows, targetRows: d.rows, sameSum: s.hex === d.hex })
        results.push({ name: t.name, rows: s.rows, checksum: s.hex })
      }
      if (bad.length > 0) throw mismatchError(bad)
      // Freshly loaded tables have no planner statistics until autovacuum gets to them (a minute or
      // more): meanwhile PostgreSQL takes each partial index for a single row and answered a status
      // read by walking every active binding (7,000 rows a read in bench:api; a million after a
      // province's copy). A backend started on the copy must find it as a running database would be.
      // Inside the transaction: it commits with the rows, and a failure leaves nothing, as promised.
      opts.onProgress?.({ kind: 'analyze', tables: ordered.length })
      await client.query(`analyze ${ordered.map((t) => quoteIdent(t.name)).join(', ')}`)
      await client.query('commit')

      const migratedAfter = applied.length < CODE_MIGRATIONS.length ? await migrateLatest(options.to) : []
      return { tables: results, targetOnly, migratedAfter }
    } catch (err) {
      await rollback(client)
      throw err
    } finally {
      if (source.inTransaction) source.exec('commit')
    }
  } catch (err) {
    if (err instanceof CopyError) throw err
    throw new CopyError(
      'DB_COPY_FAILED',
      `复制失败，目标数据库里没有留下任何复制的数据（整个复制在一个事务里，已撤销），问题解决后可以直接重新运行。原因：${(err as Error).message}`,
    )
  } finally {
    source.close()
    await client?.end().catch(() => {})
  }
}

/** Brings a copy of an older release's store to this release, as the backend would at start. */
async function migrateLatest(url: string): Promise<string[]> {
  const store = openStore({ databaseUrl: url, sqlitePath: '', poolSize: 1 })
  try {
    return await migrateToLatest(store)
  } finally {
    await store.db.destroy()
  }
}

/**
 * Compares a finished copy again, changing nothing: per table, row count and checksum of both
 * sides. Run it with the backend stopped on both; rows written after the copy are differences.
 */
export async function verifyCopy(options: Pick<CopyOptions, 'from' | 'to' | 'onProgress'>): Promise<TableResult[]> {
  const source = openSource(options.from)
  let client: pg.Client | undefined
  try {
    checkSourceSchema(source, options.from)
    client = await connectTarget(options.to)
    const { tables } = pairTables(sourceTables(source), await targetTables(client))
    await client.query('begin transaction isolation level repeatable read read only')
    source.exec('begin')
    const results: TableResult[] = []
    const bad: { name: string; sourceRows: number; targetRows: number; sameSum: boolean }[] = []
    try {
      for (const t of tables) {
        options.onProgress?.({ kind: 'verify', table: t.name })
        const s = checksumSource(source, t)
        const d = await checksumTarget(client, t)
        if (s.rows !== d.rows || s.hex !== d.hex) bad.push({ name: t.name, sourceRows: s.rows, targetRows: d.rows, sameSum: s.hex === d.hex })
        results.push({ name: t.name, rows: s.rows, checksum: s.hex })
      }
    } finally {
      await rollback(client)
      source.exec('commit')
    }
    if (bad.length > 0) throw mismatchError(bad)
    return results
  } catch (err) {
    if (err instanceof CopyError) throw err
    throw new CopyError('DB_COPY_FAILED', `核对失败：${(err as Error).message}`)
  } finally {
    source.close()
    await client?.end().catch(() => {})
  }
}
