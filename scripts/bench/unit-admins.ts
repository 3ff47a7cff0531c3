/**
 * `npm run bench:unit-admins [-- --persons 1000000]`: the 单位专管员 reads over a large roster on a
 * throw-away SQLite store — the console's unit list (GROUP BY 单位名称 in a region), one unit's members
 * (the 单位认证 list) and resolving a member ref at the start of a certification (the unit's members +
 * one HMAC each) — each against a plain indexed count over the same region in the same run.
 * Persons: region 110101, units of 1–200 retirees (about 30,000 units per million persons).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { openStore } from '../../server/db/connect'
import { migrateToLatest } from '../../server/db/migrate'
import { unitsInRegion } from '../../server/repositories/agency/unit-admins'
import { countUnitMembers, unitMembers } from '../../server/repositories/unit-admins'
import { memberRefOf } from '../../server/services/unit-admins'

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const PERSONS = arg('persons', 1_000_000)
const say = (s: string) => process.stdout.write(`${s}\n`)

async function time<T>(fn: () => Promise<T>, runs = 3): Promise<{ ms: number; value: T }> {
  let best = Infinity
  let value!: T
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    value = await fn()
    best = Math.min(best, performance.now() - t0)
  }
  return { ms: best, value }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'yl-bench-units-'))
  const store = openStore({ sqlitePath: join(dir, 'bench.sqlite') })
  try {
    await migrateToLatest(store)
    const db = store.db
    const t0 = Date.now()
    const now = new Date().toISOString()
    let unit = 0
    let left = 0
    const BATCH = 500
    let rows: Record<string, unknown>[] = []
    let bigUnit = ''
    for (let i = 0; i < PERSONS; i++) {
      if (left === 0) {
        unit++
        left = 1 + ((unit * 7919) % 200)
        if (left === 200 && !bigUnit) bigUnit = `示例单位${unit}`
      }
      left--
      rows.push({
        id: `p${i}`,
        person_no: `N${i}`,
        pii_enc: 'x',
        name_masked: '测*甲',
        id_number_hash: `ih${i}`,
        id_number_masked: 'x',
        insurance_type: 'enterprise',
        employer: i % 10 === 9 ? '' : `示例单位${unit}`,
        benefit_status: 'normal',
        suspended_since: null,
        last_certified_on: '2026-03-01',
        region_code: i % 4 === 0 ? '110102' : '110101',
        enrolled_on: '2025-01-01',
        key_version: 'v1',
        created_at: now,
        updated_at: now,
      })
      if (rows.length === BATCH) {
        await db.insertInto('persons').values(rows as never).execute()
        rows = []
      }
    }
    if (rows.length) await db.insertInto('persons').values(rows as never).execute()
    await sql`analyze`.execute(db)
    say(`generated ${PERSONS.toLocaleString('en')} persons in ${unit.toLocaleString('en')} units in ${((Date.now() - t0) / 1000).toFixed(1)} s`)

    const base = await time(async () => Number((await db.selectFrom('persons as p').select((eb) => eb.fn.countAll<number>().as('n')).where('p.region_code', '>=', '110101').where('p.region_code', '<', '110102').executeTakeFirstOrThrow()).n))
    const units = await time(() => unitsInRegion(db, '110101', undefined, 501))
    const search = await time(() => unitsInRegion(db, '110101', '单位777', 501))
    const members = await time(() => unitMembers(db, bigUnit, '110101', 500))
    const count = await time(() => countUnitMembers(db, bigUnit, '110101'))
    const key = Buffer.alloc(32, 1)
    const resolve = await time(async () => {
      const all = await unitMembers(db, bigUnit, '110101', Number.MAX_SAFE_INTEGER)
      const want = memberRefOf(key, 'appt', all[all.length - 1].id)
      return all.find((p) => memberRefOf(key, 'appt', p.id) === want)?.id
    })
    say('')
    say('| read | ms (best of 3) | rows | × plain region count |')
    say('|---|---:|---:|---:|')
    say(`| plain count of region 110101 (baseline) | ${base.ms.toFixed(1)} | ${base.value} | 1.0 |`)
    for (const [name, r, n] of [
      ['console unit list (top 500 by members)', units, units.value.length],
      ['console unit search by name', search, search.value.length],
      [`one unit's 单位认证 list (${members.value.length} members)`, members, members.value.length],
      ['one unit member count', count, count.value],
      ['member ref resolved at start (members + HMAC each)', resolve, 1],
    ] as const) {
      say(`| ${name} | ${r.ms.toFixed(1)} | ${n} | ${(r.ms / base.ms).toFixed(2)} |`)
    }
  } finally {
    await store.db.destroy()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`)
  process.exit(1)
})
