/** src/core/liveness stays pure: no Node, Taro or file-system imports, so it runs in the mini-program, browser and backend. */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(__dirname, '..', '..', '..', 'src', 'core', 'liveness')

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : []
  })
}

test('no node:*, fs, zlib, path or Taro imports in src/core/liveness', () => {
  const all = files(ROOT)
  expect(all.length).toBeGreaterThan(10)
  for (const f of all) {
    const src = readFileSync(f, 'utf8')
    expect({ f, bad: /from ['"](node:|fs|zlib|path|@tarojs)/.test(src) || /require\(/.test(src) || /\bwx\./.test(src) }).toEqual({ f, bad: false })
  }
})
