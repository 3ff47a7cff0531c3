/**
 * Every prompt the app speaks (found in src/ by scripts/audio/speech-census.ts, not listed by hand)
 * has a way to sound on weapp: the WechatSI plugin path (every site goes through the speech service,
 * and each fixed prompt is run through it here against a fake plugin), and, on the certification
 * pages, a recorded clip for each fixed prompt unless scripts/audio/speech-policy.ts decided
 * otherwise. A failure names the prompt and where it is spoken.
 */
jest.mock('@tarojs/taro', () => require('../support/taro-mock'))

import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import Taro from '@tarojs/taro'
import { PROMPT_AUDIO } from '@/packages/certify/audio/manifest'
import { registerPromptAudio, resetSpeechForTests, speak, stopSpeaking, WECHATSI_MAX_BYTES, type WechatSIPlugin } from '@/services/speech'
import { speechCensus, SPEECH_FORWARDERS, type SpeechSite } from '../../../scripts/audio/speech-census'
import { CLIP_PACKAGE, MEDIA_BUDGET_BYTES, PLUGIN_ONLY } from '../../../scripts/audio/speech-policy'
import { AUDIO_DIR, audioCheck, promptTexts } from '../../../scripts/audio/prompts'
import { audios, installTaroExtra } from '../certify/taro-extra'

const ROOT = join(__dirname, '..', '..', '..')
const census = speechCensus()
const where = (s: SpeechSite) => `${s.file}:${s.line}`

/** Sites inside the forwarders themselves (speak(text) in SpeakButton …): their callers are the prompts. */
const forwarderFiles = new Set([...SPEECH_FORWARDERS.map((f) => f.file), 'src/packages/certify/useCertifyFlow.ts'])
const promptSites = census.sites.filter((s) => !(forwarderFiles.has(s.file) && s.texts === null))

/** Each fixed prompt once, with every site that says it. */
const fixed = new Map<string, SpeechSite[]>()
for (const s of promptSites) for (const t of s.texts ?? []) fixed.set(t.trim(), [...(fixed.get(t.trim()) ?? []), s])
// The camera page's queue says the engine's prompts and the flow's fixed lines (the generator's list,
// scripts/audio/prompts.ts): fixed prompts of the certification pages too.
const queueSites = promptSites.filter((s) => s.kind === 'queue' && s.file.startsWith(CLIP_PACKAGE))
for (const t of promptTexts()) if (!fixed.has(t)) fixed.set(t, queueSites)
const fixedRows = [...fixed].map(([text, sites]) => ({ text, sites, at: sites.map(where).join(', ') }))
const dynamicRows = promptSites.filter((s) => s.texts === null).map((s) => ({ ...s, at: where(s) }))
const inCertify = (sites: SpeechSite[]) => sites.some((s) => s.file.startsWith(CLIP_PACKAGE))

function fakePlugin() {
  const calls: string[] = []
  const plugin: WechatSIPlugin = {
    textToSpeech: (o) => {
      calls.push(o.content)
      o.success?.({ retcode: 0, filename: `https://tts.example/${calls.length}.mp3`, expired_time: 2_000_000_000 })
    },
  }
  return { plugin, calls }
}

beforeEach(() => {
  resetSpeechForTests()
  installTaroExtra()
  process.env.TARO_ENV = 'weapp'
})
afterEach(() => {
  stopSpeaking()
  delete (Taro as unknown as Record<string, unknown>).requirePlugin
})

describe('the census of spoken prompts', () => {
  test('nothing makes sound around the speech service (a prompt there would have no plugin path)', () => {
    expect(census.bypasses).toEqual([])
  })

  test('each component or helper the census follows still hands its text to speak()', () => {
    expect(census.staleForwarders).toEqual([])
    for (const f of SPEECH_FORWARDERS) {
      const via = f.jsxProp ? `${f.name}.${f.jsxProp}` : `${f.name}#${f.argIndex}`
      expect(census.sites.some((s) => s.via === via)).toBe(true)
    }
  })

  test('it finds the prompts of every page that speaks (main package and each subpackage)', () => {
    const places = new Set(promptSites.map((s) => s.file.replace(/^src\/(pages\/[^/]+|packages\/[^/]+|hooks|components).*$/, '$1')))
    for (const p of ['pages/index', 'packages/bind', 'packages/certify', 'packages/family', 'packages/query', 'packages/appeal', 'packages/unit', 'packages/records', 'hooks']) {
      expect(places).toContain(p)
    }
    expect(census.sites.some((s) => s.via === 'PromptSpeaker.say' && s.file.startsWith(CLIP_PACKAGE))).toBe(true)
    expect(fixedRows.length).toBeGreaterThan(10)
  })
})

describe.each(fixedRows)('fixed prompt "$text" ($at)', ({ text, sites }) => {
  test('the plugin path says it (in parts of at most 1000 bytes, one after another)', () => {
    const { plugin, calls } = fakePlugin()
    ;(Taro as unknown as Record<string, unknown>).requirePlugin = () => plugin
    expect(speak(text).spoken).toBe(true)
    // each part is asked for when the one before has ended
    while (audios[0] && audios[0].played.length === calls.length && calls.join('').length < text.length) {
      const before = calls.length
      ;(audios[0].onEnded.mock.calls[0][0] as () => void)()
      if (calls.length === before) break
    }
    expect(calls.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''))
    for (const c of calls) expect(Buffer.byteLength(c, 'utf8')).toBeLessThanOrEqual(WECHATSI_MAX_BYTES)
  })

  if (inCertify(sites)) {
    test('on the certification pages: a recorded clip plays without the plugin (or a decision says why not)', () => {
      if (PLUGIN_ONLY[text]) return expect(PROMPT_AUDIO[text]).toBeUndefined()
      if (!PROMPT_AUDIO[text]) {
        throw new Error(
          `"${text}" (${sites.map(where).join(', ')}) has neither a recorded clip nor a plugin-only decision: ` +
            'add it to scripts/audio/extra-prompts.ts and run `npm run audio:prompts`, or decide in scripts/audio/speech-policy.ts',
        )
      }
      registerPromptAudio(PROMPT_AUDIO)
      expect(speak(text).spoken).toBe(true)
      expect(audios[0].played).toEqual([PROMPT_AUDIO[text]])
    })
  }
})

describe('dynamic prompts: plugin only (their fixed parts have clips where the certification flow says them on their own)', () => {
  test.each(dynamicRows)('$at $via: $expression', (site) => {
    // Reaches the service (speak, a forwarder or the camera queue), so the plugin says whatever it is.
    expect(['speak', 'forward', 'queue']).toContain(site.kind)
  })

  test('whatever a dynamic prompt says reaches the plugin as it is', () => {
    const { plugin, calls } = fakePlugin()
    ;(Taro as unknown as Record<string, unknown>).requirePlugin = () => plugin
    const said = '张秀兰，您的下次认证日期是2027年3月5日。'
    expect(speak(said).spoken).toBe(true)
    expect(calls).toEqual([said])
  })
})

describe('decisions and budget', () => {
  test('each plugin-only decision is about a fixed prompt the certification pages still say', () => {
    for (const text of Object.keys(PLUGIN_ONLY)) {
      const sites = fixed.get(text)
      if (!sites || !inCertify(sites)) throw new Error(`stale decision in scripts/audio/speech-policy.ts: "${text}" is no longer said on the certification pages`)
    }
  })

  test('the generator check passes without espeak-ng or the network (every prompt recorded, manifest current)', () => {
    expect(audioCheck()).toEqual({ missing: [], stale: false })
    expect(promptTexts().every((t) => PROMPT_AUDIO[t])).toBe(true)
  })

  test("pictures and audio stay under miniprogram-ci's 200 KB IMAGE_AND_AUDIO_LIMIT", () => {
    const media = (dir: string): number =>
      readdirSync(dir).reduce((n, f) => {
        const p = join(dir, f)
        if (statSync(p).isDirectory()) return n + media(p)
        return /\.(png|jpe?g|gif|webp|mp3|wav|m4a|aac)$/i.test(f) ? n + statSync(p).size : n
      }, 0)
    const total = media(join(ROOT, 'src'))
    expect(media(AUDIO_DIR)).toBeLessThanOrEqual(total)
    expect(total).toBeLessThan(MEDIA_BUDGET_BYTES)
  })
})
