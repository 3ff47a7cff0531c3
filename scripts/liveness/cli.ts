/**
 * npm run --silent liveness -- <command>
 *   detect <trace>                               one JSON line per action event
 *   session <trace> --challenge a,b [--summary]  session events and the final verdict (JSON lines)
 *   eval <traces-dir> <labels-dir>               precision / recall / F1 per action
 * Bad input: a Chinese message and a stable code on stderr, exit code 2, no stack trace.
 */
import { LivenessInputError, LIVENESS_ERROR_MESSAGES } from '../../src/core/liveness/errors'
import { detectCommand, evalCommand, parseChallenge, sessionCommand } from './commands'

const USAGE = [
  '用法：',
  '  npm run --silent liveness -- detect <轨迹文件>',
  '  npm run --silent liveness -- session <轨迹文件> --challenge blink,turn_left',
  '  npm run --silent liveness -- eval <轨迹目录> <标注目录>',
].join('\n')

function run(argv: string[]): string[] {
  const [cmd, ...rest] = argv
  const positional = rest.filter((a, i) => !a.startsWith('--') && !(i > 0 && rest[i - 1] === '--challenge'))
  switch (cmd) {
    case 'detect':
      if (positional.length !== 1) throw new LivenessInputError('USAGE')
      return detectCommand(positional[0])
    case 'session': {
      const ci = rest.indexOf('--challenge')
      const challenge = parseChallenge(ci >= 0 ? rest[ci + 1] : undefined)
      if (positional.length !== 1) throw new LivenessInputError('USAGE')
      return sessionCommand(positional[0], challenge, rest.includes('--summary'))
    }
    case 'eval':
      if (positional.length !== 2) throw new LivenessInputError('USAGE')
      return evalCommand(positional[0], positional[1])
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
