/** The stand-in CLI: a recording in, the visionkit-106 trace a phone would give out (read by the liveness tools); bad input: Chinese message, stable code, exit 2. */
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sessionCommand } from '../../../scripts/liveness/commands'
import { readTrace } from '../../../scripts/liveness/trace-io'

const ROOT = join(__dirname, '..', '..', '..')
const CAP13 = join(ROOT, '__tests__', 'fixtures', 'liveness', 'traces', 'cap13_edit2.jsonl.gz')

function cli(...args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'scripts', 'visionkit-standin', 'cli.ts'), ...args], { encoding: 'utf8', cwd: ROOT })
}

test('writes every 2nd frame as visionkit-106; the liveness session passes the turns on it, and fails them on mirrored frames', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vk-standin-'))
  const out = join(dir, 'cap13.vk.jsonl')
  const r = cli(CAP13, out, '--every', '2')
  expect(r.stderr).toBe('')
  expect(r.status).toBe(0)
  const trace = readTrace(out)
  const source = readTrace(CAP13)
  expect(trace.header).toMatchObject({ layout: 'visionkit-106', mirrored: false, fps: 12.5 })
  expect(trace.frames).toHaveLength(Math.ceil(source.frames.length / 2))
  expect(trace.frames[1].t).toBe(source.frames[2].t)
  expect(trace.frames[0].faces[0].points).toHaveLength(212)
  const verdict = (file: string) => JSON.parse(sessionCommand(file, ['turn_left', 'turn_right']).at(-1) ?? '{}')
  expect(verdict(out)).toMatchObject({ passed: true })

  const mirrored = join(dir, 'cap13.mirrored.jsonl')
  expect(cli(CAP13, mirrored, '--every', '2', '--mirror').status).toBe(0)
  expect(verdict(mirrored)).toMatchObject({ passed: false })
})

test('bad input: a Chinese message with a stable code, exit 2', () => {
  const bad = cli(CAP13, '/tmp/x.jsonl', '--every', '0')
  expect(bad.status).toBe(2)
  expect(bad.stderr).toContain('错误 USAGE：命令用法不对（--every 应是 1 到 10 的整数）')
  const order = cli(CAP13, '/tmp/x.jsonl', '--angle-order', 'yaw,yaw,roll')
  expect(order.status).toBe(2)
  expect(order.stderr).toContain('--angle-order 应是 pitch、yaw、roll 三个名字的一种排列')
  const missing = cli('/nonexistent.jsonl.gz', '/tmp/x.jsonl')
  expect(missing.status).toBe(2)
  expect(missing.stderr).toContain('错误 FILE_NOT_FOUND')
})
