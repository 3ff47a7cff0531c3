/**
 * Every fixed prompt that the certification flow speaks has a checked-in recording (made by
 * `npm run audio:prompts`; espeak-ng is not needed here). A new or changed prompt without audio fails.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ACTION_PROMPTS, FAIL_TEXTS, HINTS, MISSED_ACTION_TEXTS, PASSED_TEXT, POSITION_PROMPT } from '../../src/core/liveness/session/texts'
import { PROMPT_AUDIO } from '../../src/packages/certify/audio/manifest'
import { CERTIFY_PROMPTS } from '../../scripts/audio/extra-prompts'
import { AUDIO_DIR, MANIFEST_PATH, RUNTIME_BASE, audioFileName, promptTexts, renderManifest } from '../../scripts/audio/prompts'
import { MEDIA_BUDGET_BYTES } from '../../scripts/audio/speech-policy'

const FIX = 'run `npm run audio:prompts` and check in src/packages/certify/audio/'

/** MPEG audio frame sync (11 set bits), layer III. Files carry no ID3 tag. */
function isMp3(buf: Buffer): boolean {
  return buf.length > 4 && buf[0] === 0xff && (buf[1] & 0xe0) === 0xe0 && (buf[1] & 0x06) === 0x02
}

const expected = [
  POSITION_PROMPT,
  PASSED_TEXT,
  ...Object.values(ACTION_PROMPTS),
  ...Object.values(HINTS),
  ...Object.values(FAIL_TEXTS),
  ...Object.values(MISSED_ACTION_TEXTS),
  ...Object.values(CERTIFY_PROMPTS),
]

test.each(expected)('has a recording: %s', (text) => {
  const path = PROMPT_AUDIO[text]
  if (!path) throw new Error(`no audio for "${text}": ${FIX}`)
  expect(path).toBe(`${RUNTIME_BASE}${audioFileName(text)}`)
  const file = join(AUDIO_DIR, audioFileName(text))
  if (!existsSync(file)) throw new Error(`${file} is missing: ${FIX}`)
  const buf = readFileSync(file)
  expect(isMp3(buf)).toBe(true)
  expect(buf.length).toBeGreaterThan(1000)
})

test('the generator covers every prompt the engine and the pages define', () => {
  expect(new Set(promptTexts())).toEqual(new Set(expected))
})

test('the manifest is exactly what the generator writes (no stale or hand-made entries)', () => {
  const actual = readFileSync(MANIFEST_PATH, 'utf8')
  if (actual !== renderManifest(promptTexts())) throw new Error(`src/packages/certify/audio/manifest.ts is out of date: ${FIX}`)
})

test('file names are stable hashes of the text', () => {
  expect(audioFileName('请眨眨眼')).toMatch(/^[0-9a-f]{12}\.mp3$/)
  expect(audioFileName('请眨眨眼')).toBe(audioFileName('请眨眨眼'))
  expect(audioFileName('请眨眨眼')).not.toBe(audioFileName('请眨眼'))
})

test("no orphan audio, and the recordings stay under miniprogram-ci's 200 KB for pictures and audio (weapp:check)", () => {
  const wanted = new Set(promptTexts().map(audioFileName))
  const files = readdirSync(AUDIO_DIR).filter((f) => f.endsWith('.mp3'))
  expect(files.filter((f) => !wanted.has(f))).toEqual([])
  const total = files.reduce((n, f) => n + statSync(join(AUDIO_DIR, f)).size, 0)
  expect(total).toBeLessThan(MEDIA_BUDGET_BYTES)
})
