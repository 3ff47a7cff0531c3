/**
 * npx tsx scripts/visionkit-standin/cli.ts <478-point trace> <out.jsonl[.gz]> [--every n] [--mirror]
 *     [--angle-unit rad|deg] [--angle-order pitch,yaw,roll] [--yaw-sign 1|-1]
 *
 * Writes the face-trace/1 a phone's VisionKit would give for the recording (layout `visionkit-106`,
 * as the calibration page records it), so the liveness tools run on it, e.g.
 *   npx tsx scripts/liveness/cli.ts session out.jsonl --challenge turn_left
 * The header says `mirrored: false` (what the weapp adapter assumes) even with --mirror: that is the
 * point of --mirror, a phone whose frames are flipped when the app thinks they are not.
 * Bad input: a Chinese message and a stable code on stderr, exit code 2.
 */
import type { AngleName } from '../../src/core/liveness/adapters/layouts'
import { LIVENESS_ERROR_MESSAGES, LivenessInputError } from '../../src/core/liveness/errors'
import { readTrace, writeTrace } from '../liveness/trace-io'
import { answerToTrackerFrame, standinClip, type ClipOptions } from './standin'

const USAGE = '用法：npx tsx scripts/visionkit-standin/cli.ts <轨迹文件> <输出文件> [--every 2] [--mirror] [--angle-unit rad|deg] [--angle-order pitch,yaw,roll] [--yaw-sign 1|-1]'
const NAMES: readonly AngleName[] = ['pitch', 'yaw', 'roll']

function parse(argv: readonly string[]): { input: string; output: string; opts: ClipOptions } {
  const pos: string[] = []
  const opts: ClipOptions = { angle: {} }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = () => {
      const v = argv[++i]
      if (v === undefined) throw new LivenessInputError('USAGE', `${a} 后面要有值`)
      return v
    }
    if (a === '--mirror') opts.mirrored = true
    else if (a === '--every') {
      const n = Number(value())
      if (!Number.isInteger(n) || n < 1 || n > 10) throw new LivenessInputError('USAGE', '--every 应是 1 到 10 的整数')
      opts.everyNth = n
    } else if (a === '--angle-unit') {
      const u = value()
      if (u !== 'rad' && u !== 'deg') throw new LivenessInputError('USAGE', '--angle-unit 只能是 rad 或 deg')
      opts.angle = { ...opts.angle, unit: u }
    } else if (a === '--angle-order') {
      const order = value().split(',')
      if (order.length !== 3 || NAMES.some((n) => !order.includes(n))) throw new LivenessInputError('USAGE', '--angle-order 应是 pitch、yaw、roll 三个名字的一种排列')
      opts.angle = { ...opts.angle, order: order as [AngleName, AngleName, AngleName] }
    } else if (a === '--yaw-sign') {
      const s = value()
      if (s !== '1' && s !== '-1') throw new LivenessInputError('USAGE', '--yaw-sign 只能是 1 或 -1')
      opts.angle = { ...opts.angle, yawSign: s === '1' ? 1 : -1 }
    } else if (a.startsWith('--')) throw new LivenessInputError('USAGE', `不认识的选项 ${a}`)
    else pos.push(a)
  }
  if (pos.length !== 2) throw new LivenessInputError('USAGE')
  return { input: pos[0], output: pos[1], opts }
}

function main(): void {
  try {
    const { input, output, opts } = parse(process.argv.slice(2))
    const trace = readTrace(input)
    if (trace.header.layout !== 'mediapipe-478') throw new LivenessInputError('LAYOUT_UNKNOWN', `${trace.header.layout}（需要 mediapipe-478）`)
    const aspect = trace.header.width / trace.header.height
    const frames = standinClip(trace.frames, { ...opts, aspect }).map((s) => answerToTrackerFrame(s.t, s.answer))
    const fps = typeof trace.header.fps === 'number' ? trace.header.fps / (opts.everyNth ?? 1) : undefined
    writeTrace(output, {
      header: { ...trace.header, layout: 'visionkit-106', mirrored: false, fps, extractor: `visionkit-standin from ${trace.header.extractor ?? 'a 478-point trace'}` },
      frames,
    })
    process.stdout.write(`${frames.length} frames -> ${output}\n`)
  } catch (e) {
    if (e instanceof LivenessInputError) {
      process.stderr.write(`错误 ${e.code}：${e.message}\n`)
      if (e.code === 'USAGE') process.stderr.write(USAGE + '\n')
    } else process.stderr.write(`错误 INTERNAL：${LIVENESS_ERROR_MESSAGES.INTERNAL}\n`)
    process.exitCode = 2
  }
}

main()
