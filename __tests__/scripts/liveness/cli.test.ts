/** The liveness CLI: exact stdout formats, and clear Chinese errors with stable codes on bad input. */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { detectCommand, evalCommand, sessionCommand } from '../../../scripts/liveness/commands'

const ROOT = join(__dirname, '..', '..', '..')
const FIX = join(ROOT, '__tests__', 'fixtures', 'liveness')
const CAP13 = join(FIX, 'traces', 'cap13_edit2.jsonl.gz')

function cli(...args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'scripts', 'liveness', 'cli.ts'), ...args], { encoding: 'utf8', cwd: ROOT })
}

describe('commands', () => {
  test('detect prints exactly {"action","startMs","endMs"} per line', () => {
    const lines = detectCommand(CAP13)
    expect(lines.length).toBeGreaterThan(3)
    for (const l of lines) expect(l).toMatch(/^\{"action":"(blink|mouth_open|turn_left|turn_right|head_up|head_down)","startMs":\d+(\.\d+)?,"endMs":\d+(\.\d+)?\}$/)
  })

  test('session prints events then a final verdict line', () => {
    const lines = sessionCommand(CAP13, ['blink', 'turn_left'])
    const last = JSON.parse(lines[lines.length - 1])
    expect(last).toMatchObject({ type: 'final', passed: true, reason: null, challenge: ['blink', 'turn_left'] })
    expect(lines.slice(0, -1).every((l) => ['prompt', 'hint', 'detected', 'progress'].includes(JSON.parse(l).type))).toBe(true)
  })

  test('eval prints a table row per action', () => {
    const lines = evalCommand(join(FIX, 'traces'), join(FIX, 'labels'))
    expect(lines).toHaveLength(7)
    expect(lines[1]).toMatch(/^blink\s+6\s+6\s/)
  })
})

describe('process', () => {
  test('detect: nothing but JSON lines on stdout, exit 0', () => {
    const r = cli('detect', CAP13)
    expect(r.status).toBe(0)
    expect(r.stdout.trim().split('\n').every((l) => JSON.parse(l).action)).toBe(true)
  })

  test.each([
    [['detect', '/nonexistent/x.jsonl'], 'FILE_NOT_FOUND'],
    [['session', CAP13, '--challenge', 'blink,fly'], 'CHALLENGE_INVALID'],
    [['session', CAP13], 'CHALLENGE_INVALID'],
    [['frobnicate'], 'USAGE'],
    [['eval', '/nonexistent', '/nonexistent'], 'FILE_NOT_FOUND'],
  ])('bad input %j -> %s', (args, code) => {
    const r = cli(...args)
    expect(r.status).not.toBe(0)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain(code)
    expect(r.stderr).toMatch(/[\u4e00-\u9fff]/)
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/)
  })

  test('bad JSON and bad gzip', () => {
    const dir = mkdtempSync(join(tmpdir(), 'liveness-'))
    writeFileSync(join(dir, 'bad.jsonl'), '{"format":"face-trace/1","layout":"mediapipe-478","width":4,"height":3}\n{oops\n')
    writeFileSync(join(dir, 'bad.jsonl.gz'), 'not gzip')
    const a = cli('detect', join(dir, 'bad.jsonl'))
    expect(a.status).not.toBe(0)
    expect(a.stderr).toContain('TRACE_BAD_JSON')
    expect(a.stderr).toContain('第 2 行')
    const b = cli('detect', join(dir, 'bad.jsonl.gz'))
    expect(b.stderr).toContain('GZIP_BAD')
  })
})
