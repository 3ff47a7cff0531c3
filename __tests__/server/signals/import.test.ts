/**
 * 静默认证 signals import (server/signals/), both stores: encodings, row errors with nothing
 * half-imported, the same file twice, the policy, death signals never passing, region scope.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import iconv from 'iconv-lite'
import { main as signalsImportCli } from '../../../server/cli/signals-import'
import { PiiCipher } from '../../../server/crypto/pii'
import { DEMO_ROSTER_PATH } from '../../../server/demo/seed'
import { decodeRoster } from '../../../server/roster/decode'
import { importRoster } from '../../../server/roster/import'
import { parseRosterCsv } from '../../../server/roster/parse'
import { importSignalsBytes, type SignalImportOptions } from '../../../server/signals/import'
import { daysBefore, DEFAULT_SILENT_POLICY, type SilentPolicy } from '../../../src/core/silent-certification'
import { createTestStore, DIALECTS, STORE_SETUP_TIMEOUT_MS, type TestStore } from '../../support/db'
import { migrateToLatest } from '../../../server/db/migrate'
import { shanghaiDate } from '../../../server/time/clock'
import type { ServiceContext } from '../../../server/services/context'
import { personStatusView } from '../../../server/services/status'
import { relativeView } from '../../../server/services/relatives-common'
import type { RelativeRow } from '../../../server/repositories/relatives'
import { cliEnvironment } from '../helpers/cli'
import { TEST_KEY_V1 } from '../helpers/config'

const pii = new PiiCipher({ keys: { v1: TEST_KEY_V1 }, current: 'v1', indexVersion: 'v1' })
const TODAY = '2026-11-27'
const NOW = '2026-11-27T02:00:00.000Z'
const HEADER = '个人编号,身份证号,来源,发生日期'
const opts = (extra: Partial<SignalImportOptions> = {}): SignalImportOptions => ({
  pii,
  today: TODAY,
  now: NOW,
  cyclePolicy: 'rolling12',
  policy: DEFAULT_SILENT_POLICY,
  filename: 'signals.csv',
  actor: 'test',
  ...extra,
})
const utf8 = (lines: string[]) => Buffer.from(lines.join('\r\n') + '\r\n', 'utf8')
const bom = (lines: string[]) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(lines)])
const gbk = (lines: string[]) => iconv.encode(lines.join('\r\n') + '\r\n', 'gbk')

describe.each(DIALECTS)('signals import on %s', (dialect) => {
  let t: TestStore
  beforeEach(async () => {
    t = await createTestStore(dialect)
    await migrateToLatest(t.store)
    const parsed = parseRosterCsv(decodeRoster(readFileSync(DEMO_ROSTER_PATH)).text)
    await importRoster(t.store.db, parsed.rows, { pii, today: TODAY, now: '2026-11-27T01:00:00.000Z', cyclePolicy: 'rolling12', actor: 'test' })
  }, STORE_SETUP_TIMEOUT_MS)
  afterEach(async () => t.close())

  const db = () => t.store.db
  const person = (no: string) => db().selectFrom('persons').selectAll().where('person_no', '=', no).executeTakeFirstOrThrow()
  const count = async (table: 'life_signals' | 'signal_imports' | 'signal_reviews' | 'certification_records' | 'audit_log') =>
    Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  const recordsOf = async (no: string) => {
    const p = await person(no)
    return db().selectFrom('certification_records').selectAll().where('person_id', '=', p.id).execute()
  }
  const audits = (action: string) => db().selectFrom('audit_log').selectAll().where('action', '=', action).execute()
  const snapshot = async () => ({
    persons: await db().selectFrom('persons').select(['person_no', 'benefit_status', 'suspended_since', 'last_certified_on']).orderBy('person_no').execute(),
    records: await count('certification_records'),
    signals: await count('life_signals'),
    reviews: await count('signal_reviews'),
  })

  it('reads a GBK file by 个人编号: a due person passes by data comparison, 下次认证日期 moves, audited as an import', async () => {
    // DEMO0002 last passed 2025-11-10: due in 2026-11.
    const r = await importSignalsBytes(db(), gbk([HEADER, 'DEMO0002,,医保结算,2026-11-01', 'DEMO0002,,交通出行,2026/10/20']), opts())
    expect(r).toMatchObject({ encoding: 'gbk', fatal: [], total: 2, rejected: 0, errors: [] })
    expect(r.applied).toMatchObject({ inserted: 2, alreadyKnown: 0, certified: 1, flagged: 0 })
    const records = await recordsOf('DEMO0002')
    expect(records).toEqual([expect.objectContaining({ result: 'passed', method: 'data_comparison', channel: 'agency', performed_by: 'agency', certified_at: NOW })])
    expect((await person('DEMO0002')).last_certified_on).toBe(TODAY)
    const certified = await audits('signals.certified')
    expect(certified).toEqual([expect.objectContaining({ actor_type: 'import', subject_person_id: records[0].person_id })])
    expect(certified[0].detail).not.toMatch(/\d{17}[\dX]/)
    expect(await count('signal_imports')).toBe(1)
  })

  it("the person's status (首页, a relative's page) carries the silent pass's date; a face pass does not", async () => {
    await importSignalsBytes(db(), utf8([HEADER, 'DEMO0002,,医保结算,2026-11-01', 'DEMO0002,,交通出行,2026-10-20']), opts())
    const ctx = { db: db(), clock: () => new Date('2026-11-28T03:00:00.000Z'), cyclePolicy: 'rolling12' } as unknown as ServiceContext
    expect(await personStatusView(ctx, await person('DEMO0002'))).toMatchObject({ status: 'certified', silentCertifiedOn: TODAY, lastResult: { result: 'passed', certifiedAt: NOW } })
    const relation = { id: 'r1', relation: 'father', created_at: NOW } as unknown as RelativeRow
    expect(await relativeView(ctx, relation, await person('DEMO0002'))).toMatchObject({ status: 'certified', silentCertifiedOn: TODAY })
    const other = await personStatusView(ctx, await person('DEMO0001'))
    expect(other.status).toBe('certified')
    expect(other).not.toHaveProperty('silentCertifiedOn')
  })

  it('reads a BOM file by 身份证号 (matched by blind index): an overdue, suspended person passes and payment resumes', async () => {
    const r = await importSignalsBytes(db(), bom(['身份证号,来源,发生日期', '320102194106220468,民政,2026-11-20', '320102194106220468,公安,2026-11-21']), opts())
    expect(r).toMatchObject({ encoding: 'utf-8-bom', rejected: 0 })
    expect(r.applied).toMatchObject({ inserted: 2, certified: 1 })
    expect(await person('DEMO0003')).toMatchObject({ benefit_status: 'normal', suspended_since: null, last_certified_on: TODAY })
    expect(await audits('benefit.reinstated')).toHaveLength(1)
  })

  it('refuses unknown persons, future and bad dates, unknown sources and duplicates row by row, and imports nothing', async () => {
    const before = await snapshot()
    const r = await importSignalsBytes(
      db(),
      utf8([
        HEADER,
        'DEMO0002,,医保结算,2026-11-01', // fine
        'NOSUCH1,,医保结算,2026-11-01', // unknown 个人编号
        ',110101199001011234,医保结算,2026-11-01', // bad ID number
        'DEMO0002,,医保结算,2026-12-01', // future
        'DEMO0002,,医保结算,2026-02-30', // no such day
        'DEMO0002,,外卖,2026-11-01', // unknown source
        'DEMO0002,430102194808050315,医保结算,2026-11-01', // duplicate of line 2 (same person by ID)
        ',,医保结算,2026-11-01', // nobody
      ]),
      opts(),
    )
    expect(r.applied).toBeUndefined()
    expect(r.total).toBe(8)
    expect(r.rejected).toBe(7)
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([
      [3, '个人编号'],
      [4, '身份证号'],
      [5, '发生日期'],
      [6, '发生日期'],
      [7, '来源'],
      [8, ''],
      [9, '个人编号'],
    ])
    expect(r.errors[2].reason).toBe('发生日期不能晚于今天')
    expect(r.errors[1].reason).toBe('身份证号校验位错误，请核对最后一位')
    expect(r.errors[5].reason).toBe('与第 2 行重复（同一人、同一来源、同一天）')
    // No ID number or 个人编号 in any reason.
    for (const e of r.errors) expect(e.reason).not.toMatch(/DEMO|NOSUCH|\d{15}/)
    expect(await snapshot()).toEqual(before)
    expect(await count('signal_imports')).toBe(0)

    // With skipInvalid the good row alone goes in.
    const skipped = await importSignalsBytes(db(), utf8([HEADER, 'DEMO0002,,医保结算,2026-11-01', 'NOSUCH1,,医保结算,2026-11-01']), opts({ skipInvalid: true }))
    expect(skipped.applied).toMatchObject({ inserted: 1, certified: 0 })
    expect(skipped.errors).toHaveLength(1)
  })

  it('importing the same file twice changes nothing the second time', async () => {
    const file = gbk([HEADER, 'DEMO0002,,医保结算,2026-11-01', 'DEMO0002,,交通出行,2026-10-20', 'DEMO0007,,死亡,2026-11-02', 'DEMO0004,,医保结算,2026-11-03'])
    const first = await importSignalsBytes(db(), file, opts())
    expect(first.applied).toMatchObject({ inserted: 4, certified: 1, flagged: 1 })
    const after = await snapshot()
    const second = await importSignalsBytes(db(), file, opts())
    expect(second.applied).toMatchObject({ inserted: 0, alreadyKnown: 4, certified: 0, flagged: 0, suspended: 0 })
    expect(await snapshot()).toEqual(after)
    expect(await audits('signals.certified')).toHaveLength(1)
    expect(await audits('signals.death_flagged')).toHaveLength(1)
  })

  it('a death or 殡葬 signal never certifies: payment suspended, flagged for review, audited; a later life signal is a conflict', async () => {
    const r = await importSignalsBytes(db(), utf8([HEADER, 'DEMO0002,,医保结算,2026-11-01', 'DEMO0002,,交通出行,2026-10-20', 'DEMO0002,,殡葬,2026-10-25']), opts())
    expect(r.applied).toMatchObject({ certified: 0, flagged: 2, conflicts: 1, suspended: 1 })
    expect(await recordsOf('DEMO0002')).toEqual([])
    expect(await person('DEMO0002')).toMatchObject({ benefit_status: 'suspended', suspended_since: TODAY, last_certified_on: '2025-11-10' })
    const reviews = await db().selectFrom('signal_reviews').select(['reason', 'source', 'occurred_on', 'status']).orderBy('reason').execute()
    expect(reviews).toEqual([
      { reason: 'conflict', source: 'medical', occurred_on: '2026-11-01', status: 'open' },
      { reason: 'death', source: 'funeral', occurred_on: '2026-10-25', status: 'open' },
    ])
    expect(await audits('signals.death_flagged')).toEqual([expect.objectContaining({ actor_type: 'import' })])
    expect(await audits('signals.conflict_flagged')).toHaveLength(1)
    // More life signals later still never pass.
    const later = await importSignalsBytes(db(), utf8([HEADER, 'DEMO0002,,公安,2026-11-20', 'DEMO0002,,民政,2026-11-21']), opts())
    expect(later.applied).toMatchObject({ inserted: 2, certified: 0 })
    expect(await recordsOf('DEMO0002')).toEqual([])
  })

  it('any mix of signals with a death signal gives no pass (seeded random mixes)', async () => {
    let seed = 16
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n)
    const life = ['医保结算', '交通出行', '民政', '公安']
    const people = ['DEMO0002', 'DEMO0003', 'DEMO0004', 'DEMO0007']
    const lines = [HEADER]
    const used = new Set<string>()
    for (const no of people) {
      const death = rand(2) === 0 ? '死亡' : '殡葬'
      lines.push(`${no},,${death},2026-${String(9 + rand(3)).padStart(2, '0')}-${String(1 + rand(27)).padStart(2, '0')}`)
      for (let k = 0; k < 2 + rand(6); k++) {
        const row = `${no},,${life[rand(4)]},2026-${String(8 + rand(4)).padStart(2, '0')}-${String(1 + rand(26)).padStart(2, '0')}`
        if (!used.has(row)) lines.push(row), used.add(row)
      }
    }
    const r = await importSignalsBytes(db(), utf8(lines), opts({ policy: { ...DEFAULT_SILENT_POLICY, minSignals: 1 } }))
    expect(r.rejected).toBe(0)
    expect(r.applied?.certified).toBe(0)
    expect(await count('certification_records')).toBe(0)
    for (const no of people) expect((await person(no)).benefit_status).toBe('suspended')
  })

  it('the policy: which sources count, how recent, how many signals and sources; never twice in a cycle', async () => {
    const only = (policy: Partial<SilentPolicy>) => opts({ policy: { ...DEFAULT_SILENT_POLICY, ...policy } })
    // Transport does not count here: one counted signal is not enough for two.
    let r = await importSignalsBytes(db(), utf8([HEADER, 'DEMO0002,,医保结算,2026-11-01', 'DEMO0002,,交通出行,2026-11-02']), only({ sources: ['medical', 'police'] }))
    expect(r.applied?.certified).toBe(0)
    // Too old: 100 days back with a 90-day window.
    r = await importSignalsBytes(db(), utf8([HEADER, 'DEMO0002,,公安,2026-08-19']), only({ sources: ['medical', 'police'] }))
    expect(r.applied?.certified).toBe(0)
    // Two sources required: medical twice is not enough.
    r = await importSignalsBytes(db(), utf8([HEADER, 'DEMO0002,,医保结算,2026-11-05']), only({ sources: ['medical', 'police'], minSources: 2 }))
    expect(r.applied?.certified).toBe(0)
    // A recent 公安 signal makes two sources.
    r = await importSignalsBytes(db(), utf8([HEADER, 'DEMO0002,,公安,2026-11-10']), only({ sources: ['medical', 'police'], minSources: 2 }))
    expect(r.applied?.certified).toBe(1)
    // Certified now: further signals do not certify again.
    r = await importSignalsBytes(db(), utf8([HEADER, 'DEMO0002,,医保结算,2026-11-20', 'DEMO0002,,公安,2026-11-21']), opts())
    expect(r.applied).toMatchObject({ inserted: 2, certified: 0 })
    // DEMO0001 passed 2026-03-15: certified for this cycle, not certified again.
    r = await importSignalsBytes(db(), utf8([HEADER, 'DEMO0001,,医保结算,2026-11-20', 'DEMO0001,,公安,2026-11-21']), opts())
    expect(r.applied?.certified).toBe(0)
    expect(await recordsOf('DEMO0001')).toEqual([])
    expect(await recordsOf('DEMO0002')).toHaveLength(1)
  })

  it('a region-scoped import treats persons of other regions as row errors', async () => {
    const r = await importSignalsBytes(db(), utf8([HEADER, 'DEMO0002,,医保结算,2026-11-01', 'DEMO0001,,医保结算,2026-11-01']), opts({ regionPrefix: '430102' }))
    expect(r.applied).toBeUndefined()
    expect(r.errors).toEqual([expect.objectContaining({ line: 3, column: '个人编号' })])
  })

  it('refuses a file without the needed columns as a whole', async () => {
    const r = await importSignalsBytes(db(), utf8(['姓名,来源', '王秀英,医保结算']), opts())
    expect(r.fatal.map((e) => e.column)).toEqual(['个人编号/身份证号', '发生日期'])
    expect(await count('signal_imports')).toBe(0)
  })

  it('npm run signals:import: refuses a bad file with a report, imports a good one, says plainly when nothing is new', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yl-signals-cli-'))
    const bad = join(dir, 'bad.csv')
    const good = join(dir, 'good.csv')
    const report = join(dir, 'report.csv')
    // The CLI takes today from the clock: dates relative to it.
    const today = shanghaiDate(new Date())
    writeFileSync(bad, gbk([HEADER, `DEMO0002,,医保结算,${daysBefore(today, 3)}`, `DEMO0002,,医保结算,${daysBefore(today, -3)}`]))
    writeFileSync(good, gbk([HEADER, `DEMO0002,,医保结算,${daysBefore(today, 3)}`, `DEMO0002,,交通出行,${daysBefore(today, 2)}`]))
    const { out, restore } = cliEnvironment(dir, dialect, t.location)
    try {
      expect(await signalsImportCli([bad, '--report', report])).toBe(1)
      expect(out.join('')).toContain('未导入任何数据：1 行有误')
      expect(readFileSync(report, 'utf8')).toBe('\uFEFF行号,列,原因\r\n3,发生日期,发生日期不能晚于今天\r\n')
      expect(await count('life_signals')).toBe(0)
      out.length = 0
      expect(await signalsImportCli([good])).toBe(0)
      expect(out.join('')).toMatch(/导入完成：共 2 行：新增信号 2，已导入过 0，拒绝 0；静默认证通过 1 人.*编码 gbk/)
      out.length = 0
      expect(await signalsImportCli([good])).toBe(0)
      expect(out.join('')).toContain('没有新数据：这些信号都已导入过，没有任何改变')
      expect(await signalsImportCli([])).toBe(2)
    } finally {
      restore()
    }
  })
})
