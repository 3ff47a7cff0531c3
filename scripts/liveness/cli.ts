/**
 * npm run --silent liveness -- <command>
 *   detect <trace> [--fps 15|10|7.5 [--blend] [--jitter] [--seed n]]        one JSON line per action event
 *   session <trace> --challenge a,b [--summary] [--fps …]                    session events and the final verdict (JSON lines)
 *   eval <traces-dir> <labels-dir>… [--variant blur.12] [--fps …] [--json]   precision / recall / F1 per action
 *   sessions <traces-dir> <labels-dir>… [--lead ms] [--variant …] [--fps …] [--seed n] [--json]
 *                                                                            genuine session pass rates per action + controls
 *   report [<fixtures-dir>] [--lead ms] [--json]                             per-family markdown tables (eval + sessions)
 *   controls [<fixtures-dir>] [--seed n] [--json]                            still photos and slideshows widened (seeds 1..n, default 3)
 * Bad input: a Chinese message and a stable code on stderr, exit code 2, no stack trace.
 */
import { LivenessInputError, LIVENESS_ERROR_MESSAGES } from '../../src/core/liveness/errors'
import { detectCommand, evalCommand, parseChallenge, sessionCommand, sessionsCommand } from './commands'
import { allowOnly, parseArgs, parseLead, parseResample, parseSeed, parseVariant } from './options'
import { controlsCommand, DEFAULT_FIXTURES, reportCommand } from './report'

const USAGE = [
  '用法：',
  '  npm run --silent liveness -- detect <轨迹文件> [--fps 15|10|7.5 [--blend] [--jitter]]',
  '  npm run --silent liveness -- session <轨迹文件> --challenge blink,turn_left [--summary] [--fps …]',
  '  npm run --silent liveness -- eval <轨迹目录> <标注目录>… [--variant thin.15] [--fps 15|10|7.5 [--blend] [--jitter] [--seed n]] [--json]',
  '  npm run --silent liveness -- sessions <轨迹目录> <标注目录>… [--lead 4000] [--variant …] [--fps …] [--json]',
  '  npm run --silent liveness -- report [<样例目录>] [--lead 4000] [--json]',
  '  npm run --silent liveness -- controls [<样例目录>] [--seed 3] [--json]',
].join('\n')

const RESAMPLE_FLAGS = ['--fps', '--blend', '--jitter', '--seed']

function run(argv: string[]): string[] {
  const [cmd, ...rest] = argv
  const p = parseArgs(rest)
  const pos = p.positional
  switch (cmd) {
    case 'detect': {
      allowOnly(p, RESAMPLE_FLAGS)
      if (pos.length !== 1) throw new LivenessInputError('USAGE')
      return detectCommand(pos[0], parseResample(p))
    }
    case 'session': {
      allowOnly(p, ['--challenge', '--summary', ...RESAMPLE_FLAGS])
      const challenge = parseChallenge(p.values['--challenge'])
      if (pos.length !== 1) throw new LivenessInputError('USAGE')
      return sessionCommand(pos[0], challenge, p.flags.has('--summary'), parseResample(p))
    }
    case 'eval': {
      allowOnly(p, ['--variant', '--json', ...RESAMPLE_FLAGS])
      if (pos.length < 2) throw new LivenessInputError('USAGE')
      return evalCommand(pos[0], pos.slice(1), { variant: parseVariant(p), resample: parseResample(p), json: p.flags.has('--json') })
    }
    case 'sessions': {
      allowOnly(p, ['--lead', '--variant', '--json', ...RESAMPLE_FLAGS])
      const opts = { leadMs: parseLead(p), variant: parseVariant(p), resample: parseResample(p), seed: parseSeed(p), json: p.flags.has('--json') }
      if (pos.length < 2) throw new LivenessInputError('USAGE')
      return sessionsCommand(pos[0], pos.slice(1), opts).lines
    }
    case 'report': {
      allowOnly(p, ['--lead', '--json'])
      if (pos.length > 1) throw new LivenessInputError('USAGE')
      return reportCommand(pos[0] ?? DEFAULT_FIXTURES, { leadMs: parseLead(p), json: p.flags.has('--json') }).lines
    }
    case 'controls': {
      allowOnly(p, ['--seed', '--json'])
      if (pos.length > 1) throw new LivenessInputError('USAGE')
      const seeds = parseSeed(p)
      if (seeds === 0) throw new LivenessInputError('USAGE', '--seed 至少是 1')
      return controlsCommand(pos[0] ?? DEFAULT_FIXTURES, { seeds, json: p.flags.has('--json') }).lines
    }
    default:
      throw new LivenessInputError('USAGE')
  }
}

function main(): void {
  try {
    const lines = run(process.argv.slice(2))
    if (lines.length > 0) process.stdout.write(lines.join('\n') + '\n')
  } catch (e) {
    if (e instanceof LivenessInputError) {
      process.stderr.write(`错误 ${e.code}：${e.message}\n`)
      if (e.code === 'USAGE') process.stderr.write(USAGE + '\n')
    } else {
      process.stderr.write(`错误 INTERNAL：${LIVENESS_ERROR_MESSAGES.INTERNAL}\n`)
    }
    process.exitCode = 2
  }
}

main()
