/** Shared paths for the liveness evaluation tests; traces are read through the CLI's per-process cache. */
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'

export const ROOT = join(__dirname, '..', '..', '..')
export const FIX = join(ROOT, '__tests__', 'fixtures', 'liveness')
export const TRACES = join(FIX, 'traces')
export const LABELS = join(FIX, 'labels')
export const MORE_TRACES = join(FIX, 'more', 'traces')
export const MORE_LABELS = join(FIX, 'more', 'labels')
export const LOWFPS = join(FIX, 'lowfps', 'traces')
export const ALL_CLIPS: readonly { name: string; dir: string }[] = [
  ...['cap12_edit', 'cap13_edit2', 'franck'].map((name) => ({ name, dir: TRACES })),
  ...['fomm_00', 'fomm_04', 'lp_d0', 'lp_d10', 'lp_d11', 'lp_d20'].map((name) => ({ name, dir: MORE_TRACES })),
]

/** Run the CLI in a child process (tsx), as `npm run --silent liveness -- …` does. */
export function cli(...args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'scripts', 'liveness', 'cli.ts'), ...args], {
    encoding: 'utf8',
    cwd: ROOT,
  })
}
