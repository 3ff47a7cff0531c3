/**
 * @jest-environment ./__tests__/client/weapp/support/jsdom-node-env.js
 *
 * Speech in the COMPILED weapp (WEAPP_DIST) with a stand-in WechatSI plugin behind requirePlugin:
 * 首页's 朗读 goes to textToSpeech and the answered URL plays through InnerAudioContext; when the
 * plugin fails, the certify subpackage's recorded clip plays instead. (The build without the plugin
 * playing clips is what the other simulate suites run.)
 */
import { PROMPT_AUDIO } from '@/packages/certify/audio/manifest'
import { DENIED_SPOKEN_WEAPP } from '@/packages/certify/flow/texts'
import { DEMO, startWeapp, waitFor, type WeappSession } from './simulate-support'
import { noticeCodeOf, PERSON_NO } from './support/seed'

interface TtsRequest {
  lang: string
  content: string
  success?: (r: unknown) => void
  fail?: (r: unknown) => void
}
const requests: TtsRequest[] = []
let answer: 'ok' | 'fail' = 'ok'
const wechatSI = {
  textToSpeech(o: TtsRequest) {
    requests.push(o)
    if (answer === 'ok') o.success?.({ retcode: 0, origin: o.content, filename: `https://tts.example/${requests.length}.mp3`, expired_time: Math.floor(Date.now() / 1000) + 3 * 3600 })
    else o.fail?.({ retcode: -20003, msg: 'text to speech inner server failed.' })
  },
}
const g = global as unknown as { __weappPlugins?: Record<string, unknown> }
let s: WeappSession
const played = () => s.callsOf('InnerAudioContext.play').map((c) => c.args[0])

beforeAll(async () => {
  g.__weappPlugins = { WechatSI: wechatSI }
  s = await startWeapp({ stack: {} })
  const bound = await s.stack!.callFunction('bindIdentity', { method: 'manual', name: DEMO.wang.name, idNumber: DEMO.wang.idNumber, cardNumber: DEMO.wang.cardNumber, insuranceType: 'enterprise' })
  expect(bound.ok).toBe(true)
})
afterAll(async () => {
  await s?.close()
  delete g.__weappPlugins
})

test('首页 朗读: the page text goes to the plugin in zh_CN and its audio plays; no "cannot read aloud" note', async () => {
  answer = 'ok'
  const home = await s.loadPage('pages/index/index')
  await home.waitForText('认证状态')
  const before = requests.length
  await home.tap({ text: '▶ 朗读' })
  await waitFor(() => requests.length > before, 'a textToSpeech request')
  const req = requests[before]
  expect(req.lang).toBe('zh_CN')
  expect(req.content.length).toBeGreaterThan(5)
  expect(home.text()).toContain(req.content.split(/[。，]/)[0])
  await waitFor(() => played().includes(`https://tts.example/${before + 1}.mp3`), 'the synthesised audio to play')
  expect(home.text()).not.toContain('本机暂不支持朗读')
  // What is sent to WeChat's speech service never carries an ID number.
  for (const r of requests) expect(r.content).not.toContain(DEMO.wang.idNumber)
  home.close()
})

test('认证须知, camera refused while the plugin fails: the recorded clip of the refusal plays instead', async () => {
  answer = 'fail'
  s.script.authorize = 'deny'
  s.script.authSetting = {}
  const page = await s.loadPage('packages/certify/index')
  await page.waitForText('开始认证')
  await page.tap({ text: '开始认证' })
  await page.waitForText('需要允许使用摄像头')
  await waitFor(() => requests.some((r) => r.content === DENIED_SPOKEN_WEAPP), 'the refusal sent to the plugin')
  await waitFor(() => played().includes(PROMPT_AUDIO[DENIED_SPOKEN_WEAPP]), 'the recorded clip to play')
  page.close()
  s.script.authorize = 'grant'
})

test('a notice landing for someone already certified: 朗读 says the day, as the page shows it', async () => {
  answer = 'ok'
  // 王秀英 last passed on 2026-03-15 (demo roster); her 2026 notice says so
  const code = await noticeCodeOf(s.stack!, PERSON_NO.wang, 2026)
  const page = await s.loadPage('packages/certify/index', { scene: encodeURIComponent(`n=${code}`) })
  const dated = '本年度已于2026年3月15日完成认证，无需再次认证'
  await page.waitForText(dated)
  const before = requests.length
  await page.tap({ text: '▶ 朗读' })
  await waitFor(() => requests.slice(before).some((r) => r.content.includes(dated)), 'the dated sentence sent to the plugin')
  page.close()
})
