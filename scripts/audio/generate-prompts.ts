/**
 * `npm run audio:prompts` — speaks every fixed prompt with an offline Mandarin voice and checks the
 * files into the certify subpackage (src/packages/certify/audio/<hash>.mp3 + manifest.ts).
 *
 *   npm run audio:prompts              make the missing files, drop files no prompt uses, write the manifest
 *   npm run audio:prompts -- --force   re-synthesise every file (e.g. after changing the voice below)
 *   npm run audio:prompts -- --check   change nothing; exit 1 if a prompt has no file or the manifest is stale
 *
 * Voice: Debian's espeak-ng with `cmn-latn-pinyin` (Mandarin). The plain `cmn` voice of espeak-ng 1.51
 * reads the characters' pinyin with English letter rules (the phonemes come out as "(en)kI55NTr'i:55"
 * for 请), so it is not usable. Rate 130 wpm: slow, for elderly listeners. Output: 16 kHz mono MP3
 * at 8 kbps, 8 kHz (telephone-quality speech; miniprogram-ci flags more than 200 KB of pictures and audio in a project), trailing silence trimmed, no tags and
 * bit-exact (regenerating gives identical bytes); both WeChat's InnerAudioContext and browsers play it.
 *
 * A better voice can replace any file later: keep the file name (a hash of the text), existing files
 * are left alone unless --force is given.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { AUDIO_DIR, MANIFEST_PATH, ROOT, audioCheck, audioFileName, promptTexts, renderManifest } from './prompts'

const VOICE = process.env.AUDIO_VOICE ?? 'cmn-latn-pinyin'
const RATE = process.env.AUDIO_RATE ?? '130'
const BITRATE = '8k'
const SAMPLE_RATE = '8000'
/** espeak-ng ends every file with ~0.5 s of silence: keep 0.1 s of it. */
const TRIM_END = 'areverse,silenceremove=start_periods=1:start_threshold=-50dB:start_silence=0.1,areverse'

function need(cmd: string, versionFlag: string) {
  const r = spawnSync(cmd, [versionFlag], { stdio: 'ignore' })
  if (r.error || r.status !== 0) {
    console.error(`audio:prompts: \`${cmd}\` is not installed. Run \`npm run setup:system\` (installs espeak-ng and ffmpeg from Debian).`)
    process.exit(1)
  }
}

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' })
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error?.message ?? r.stderr}`)
}

function synthesise(text: string, out: string, work: string) {
  const wav = join(work, 'prompt.wav')
  run('espeak-ng', ['-v', VOICE, '-s', RATE, '-w', wav, text])
  run('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y', '-i', wav,
    '-af', TRIM_END, '-ac', '1', '-ar', SAMPLE_RATE, '-c:a', 'libmp3lame', '-b:a', BITRATE,
    '-map_metadata', '-1', '-id3v2_version', '0', '-write_xing', '0',
    '-fflags', '+bitexact', '-flags:a', '+bitexact',
    out,
  ])
}

function main() {
  const args = new Set(process.argv.slice(2))
  const force = args.has('--force')
  const check = args.has('--check')
  const texts = promptTexts()
  const wanted = new Map(texts.map((t) => [audioFileName(t), t]))
  const manifest = renderManifest(texts)

  if (check) {
    const { missing, stale } = audioCheck()
    for (const t of missing) console.error(`no audio for: ${t}`)
    if (stale) console.error(`${relative(ROOT, MANIFEST_PATH)} is out of date`)
    if (missing.length || stale) {
      console.error('run `npm run audio:prompts`')
      process.exit(1)
    }
    console.log(`audio:prompts: ${texts.length} prompts, all recorded`)
    return
  }

  need('espeak-ng', '--version')
  need('ffmpeg', '-version')
  const work = mkdtempSync(join(tmpdir(), 'yl-audio-'))
  let made = 0
  try {
    for (const [file, text] of wanted) {
      const out = join(AUDIO_DIR, file)
      if (!force && existsSync(out)) continue
      synthesise(text, out, work)
      made++
      console.log(`  ${file}  ${text}`)
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  let removed = 0
  for (const f of readdirSync(AUDIO_DIR)) {
    if (f.endsWith('.mp3') && !wanted.has(f)) {
      unlinkSync(join(AUDIO_DIR, f))
      removed++
      console.log(`  removed ${f} (no prompt uses it)`)
    }
  }
  writeFileSync(MANIFEST_PATH, manifest)
  const total = [...wanted.keys()].reduce((n, f) => n + statSync(join(AUDIO_DIR, f)).size, 0)
  console.log(
    `audio:prompts: ${texts.length} prompts (${made} synthesised, ${removed} removed), ${(total / 1024).toFixed(1)} KB in ${relative(ROOT, AUDIO_DIR)}`,
  )
}

main()
