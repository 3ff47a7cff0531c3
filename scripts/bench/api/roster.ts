/** Generated fictional roster people for npm run bench:api (valid check digits, on no real roster). */
import { checkCharFor } from '../../../src/core/id-number'

export interface BenchPerson {
  personNo: string
  name: string
  idNumber: string
  cardNumber: string
}

export function benchPersons(n: number): BenchPerson[] {
  const surnames = '王李张刘陈杨赵黄周吴'
  const given = '秀英建国桂兰德福玉梅淑珍'
  const out: BenchPerson[] = []
  for (let i = 0; i < n; i++) {
    // Unique for up to 30,000 people: the birth year moves on every 1,000, the sequence number within them.
    const first17 = `110101${1940 + (Math.floor(i / 1000) % 30)}0${1 + (i % 9)}1${i % 9}${String(i % 1000).padStart(3, '0')}`
    out.push({
      personNo: `B${i}`,
      name: surnames[i % 10] + given[(i >> 3) % 12] + given[(i >> 7) % 12],
      idNumber: first17 + checkCharFor(first17),
      cardNumber: `B${String(i).padStart(8, '0')}`,
    })
  }
  return out
}

export function rosterCsv(persons: readonly BenchPerson[]): Buffer {
  const lines = ['个人编号,姓名,身份证号,社会保障卡号,单位名称,险种,待遇状态,上次认证日期,行政区划']
  for (const p of persons) lines.push(`${p.personNo},${p.name},${p.idNumber},${p.cardNumber},示例单位,企业职工基本养老保险,正常,2025-12-01,110101`)
  return Buffer.from(lines.join('\n') + '\n')
}
