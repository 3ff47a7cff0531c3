/**
 * Prepares a cluster's PostgreSQL database once, before its instances start: migrations, then the
 * demo roster (npm run cluster:local) or a generated roster of fictional people (the cluster test)
 * whose last certification makes them due for a reminder TODAY, whatever day the run is on.
 */
import { checkCharFor } from '../../src/core/id-number'
import { DEFAULT_REMINDER_POLICY, dueMonthSources, sweepTargets } from '../../src/core/reminders/policy'
import { loadConfig } from '../../server/config/env'
import { PiiCipher } from '../../server/crypto/pii'
import { openStore } from '../../server/db/connect'
import { migrateToLatest } from '../../server/db/migrate'
import { seedDemoRoster } from '../../server/demo/seed'
import { importRosterBytes } from '../../server/roster/import-file'
import { shanghaiDate } from '../../server/time/clock'
import { sharedEnv, type ClusterSecrets } from './cluster'

export interface RosterPerson {
  personNo: string
  name: string
  idNumber: string
  cardNumber: string
  /** The 险种 code the 绑定 form sends. */
  insuranceType: 'enterprise'
}

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗'
const GIVEN = '秀英建国桂兰德福玉梅淑珍志强海燕明华丽娟卫东春生'

/**
 * `count` fictional people (valid check digits, 1940s–50s birth dates, region 110101). Each one's last
 * certification lies in the month that makes a due/overdue reminder kind fall on `today`.
 */
export function generatedRoster(count: number, today: string): { csv: string; people: RosterPerson[] } {
  const targets = sweepTargets(today, DEFAULT_REMINDER_POLICY)
    .map((t) => dueMonthSources(t.dueMonth, 'rolling12').lastPassBetween)
    .filter((r): r is [string, string] => !!r)
  if (targets.length === 0) throw new Error(`no reminder kind falls on ${today}`)
  const people: RosterPerson[] = []
  const lines = ['个人编号,姓名,身份证号,社会保障卡号,单位名称,险种,待遇状态,上次认证日期,行政区划']
  for (let i = 0; i < count; i++) {
    const birth = `19${40 + (i % 19)}${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}`
    const first17 = `110101${birth}${String(i % 1000).padStart(3, '0')}`
    const person: RosterPerson = {
      personNo: `CLU${String(i + 1).padStart(6, '0')}`,
      name: `${SURNAMES[i % SURNAMES.length]}${GIVEN[Math.floor(i / SURNAMES.length) % GIVEN.length]}${GIVEN[(i * 7 + 3) % GIVEN.length]}`,
      idNumber: first17 + checkCharFor(first17),
      cardNumber: `C${String(i + 1).padStart(8, '0')}`,
      insuranceType: 'enterprise',
    }
    people.push(person)
    const lastPass = targets[i % targets.length][0]
    lines.push(`${person.personNo},${person.name},${person.idNumber},${person.cardNumber},集群测试单位（虚构）,企业职工基本养老保险,正常,${lastPass},110101`)
  }
  return { csv: `${lines.join('\n')}\n`, people }
}

export async function prepareDatabase(databaseUrl: string, secrets: ClusterSecrets, roster: { demo: true } | { csv: string }): Promise<void> {
  const config = loadConfig({ ...sharedEnv(secrets, databaseUrl), NODE_ENV: 'development', DEMO_SEED: 'false' })
  const store = openStore({ databaseUrl, sqlitePath: '', poolSize: 2 })
  try {
    await migrateToLatest(store)
    const pii = new PiiCipher({ keys: config.piiKeys, current: config.piiKeyCurrent, indexVersion: config.piiIndexKeyVersion })
    const now = new Date()
    if ('demo' in roster) {
      await seedDemoRoster(store.db, pii, now, config.cyclePolicy)
      return
    }
    const file = await importRosterBytes(store.db, Buffer.from(roster.csv, 'utf8'), { pii, today: shanghaiDate(now), now: now.toISOString(), cyclePolicy: config.cyclePolicy, actor: 'cluster', workers: 0 })
    if (!file.summary?.committed) throw new Error(`generated roster refused: ${JSON.stringify(file.fatal.length ? file.fatal : file.summary?.errors.slice(0, 3))}`)
  } finally {
    await store.db.destroy()
  }
}
