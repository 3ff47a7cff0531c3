/** Runs one of scripts/bench/*.ts in a child process through tsx, as `npm run bench:…` does, and returns its stdout. */
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'

const ROOT = join(__dirname, '..', '..')

export function runBench(script: string, args: readonly string[]): string {
  return execFileSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join('scripts', 'bench', script), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  })
}
