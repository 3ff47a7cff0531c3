/**
 * CPU time used by processes, read from /proc (Linux). On a shared machine throughput moves with what
 * else runs; the CPU a request costs the server moves much less, so the API bench reports both.
 */
import { readdirSync, readFileSync } from 'node:fs'

/** Linux reports process times in clock ticks of 1/100 s (USER_HZ) on every architecture Node runs on. */
const TICKS_PER_SECOND = 100

export interface ProcTimes {
  ppid: number
  /** utime + stime of the process itself (all its threads), seconds. */
  own: number
  /** cutime + cstime: its children that have ended and been waited for, seconds. */
  reaped: number
}

/** One /proc/<pid>/stat line (proc(5): field 4 ppid, 14-15 utime stime, 16-17 cutime cstime, in ticks). */
export function parseProcStat(stat: string): ProcTimes {
  // The command name (field 2) is in parentheses and may hold spaces and ')': fields start after its last ')'.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const n = (field: number) => Number(f[field - 3])
  return { ppid: n(4), own: (n(14) + n(15)) / TICKS_PER_SECOND, reaped: (n(16) + n(17)) / TICKS_PER_SECOND }
}

function procTimes(pid: number): ProcTimes | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return undefined
  }
}

/** CPU seconds a process has used so far, all threads (NaN when /proc does not have it). */
export function processCpuSeconds(pid: number): number {
  return procTimes(pid)?.own ?? NaN
}

/**
 * CPU seconds of a process and its children, the running ones and those it has reaped (PostgreSQL:
 * the postmaster with its backends and background workers).
 */
export function processTreeCpuSeconds(rootPid: number): number {
  const root = procTimes(rootPid)
  if (!root) return NaN
  let total = root.own + root.reaped
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return NaN
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue
    const t = procTimes(Number(name))
    if (t && t.ppid === rootPid) total += t.own + t.reaped
  }
  return total
}
