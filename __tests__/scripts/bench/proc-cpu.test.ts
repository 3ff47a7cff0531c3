/**
 * The API bench's CPU meter (scripts/bench/support/proc-cpu.ts): /proc/<pid>/stat read right, for
 * this process and for a process tree. No timing is asserted: only CPU this test itself burns.
 */
import { spawnSync } from 'node:child_process'
import { parseProcStat, processCpuSeconds, processTreeCpuSeconds } from '../../../scripts/bench/support/proc-cpu'

/** Burns at least `seconds` of this process's CPU (by its own count, not the clock). */
function burn(seconds: number): void {
  const start = process.cpuUsage()
  let x = 0
  for (;;) {
    for (let i = 0; i < 100_000; i++) x += Math.sqrt(i)
    const used = process.cpuUsage(start)
    if ((used.user + used.system) / 1e6 >= seconds) break
  }
  expect(x).toBeGreaterThan(0)
}

describe('parseProcStat', () => {
  it('counts fields after the last ")" of the command name, whatever it holds', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
    const line = '4242 (a b) (c)) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 50 30 20 20 0 3 0 1 2 3'
    expect(parseProcStat(line)).toEqual({ ppid: 17, own: 3, reaped: 0.5 })
  })
})

// CPU seconds, not the clock: on a loaded machine these only take longer, hence the generous timeouts.
describe('on this machine (Linux)', () => {
  it('sees this process use the CPU it burns', () => {
    const before = processCpuSeconds(process.pid)
    burn(0.2)
    const used = processCpuSeconds(process.pid) - before
    expect(used).toBeGreaterThanOrEqual(0.15)
  }, 60_000)

  it('counts a child the process has waited for in its tree, and nothing for a pid that does not exist', () => {
    const before = processTreeCpuSeconds(process.pid)
    const child = spawnSync(process.execPath, ['-e', 'const s=process.cpuUsage();let x=0;while((process.cpuUsage(s).user)<300000)x+=Math.sqrt(x+1)'])
    expect(child.status).toBe(0)
    expect(processTreeCpuSeconds(process.pid) - before).toBeGreaterThanOrEqual(0.25)
    expect(processCpuSeconds(2 ** 22 + 12345)).toBeNaN()
  }, 60_000)
})
