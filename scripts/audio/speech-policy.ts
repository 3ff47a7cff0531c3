/**
 * What each spoken prompt gets on weapp (the census, speech-census.ts, finds the prompts; this file
 * holds the decisions; __tests__/client/services/weapp-prompts-speech.test.ts holds them to the code):
 *
 * - Every prompt goes through the speech service, so with the WechatSI plugin declared
 *   (TARO_APP_WECHATSI) every prompt is spoken, fixed or not.
 * - Without the plugin only recorded clips sound. They live in the certify subpackage (a subpackage's
 *   files cannot be played before it is loaded, and the main package stays small), so only the
 *   certification pages can play them: every FIXED prompt spoken there has a clip, except the few
 *   decided below.
 * - Fixed prompts of the other pages (首页, 绑定, 家人, 查询, 申诉, 单位): plugin only.
 * - Dynamic prompts (names, dates, counts, server messages): plugin only. Where the certification
 *   flow says a fixed part as a sentence of its own, that part has a clip: the engine's prompts,
 *   hints and failures, the camera page's lines, CERTIFY_PROMPTS (extra-prompts.ts) and the result
 *   page's verdict sentences (its clip chain, readPageAloud's second argument).
 * - Budget: miniprogram-ci's IMAGE_AND_AUDIO_LIMIT check (weapp:check) allows 200 KB of pictures and
 *   audio in the whole code package; the clips use most of it.
 */
import { APPEAL_WITHOUT_ACCOUNT } from '../../src/packages/certify/flow/texts'

/** Sites under this folder can play the clips. */
export const CLIP_PACKAGE = 'src/packages/certify/'

/** miniprogram-ci IMAGE_AND_AUDIO_LIMIT: pictures and audio of the whole code package. */
export const MEDIA_BUDGET_BYTES = 200 * 1024

/** Fixed prompts of the certification pages that have no clip on purpose (text → why). */
export const PLUGIN_ONLY: Readonly<Record<string, string>> = {
  [APPEAL_WITHOUT_ACCOUNT]:
    'about 26 KB as a clip, over what is left of the 200 KB budget; it is shown in the dialog that speaks it, and said by the plugin where declared',
  '认证结果已经保存，可以在认证记录里查看。':
    'the 朗读 text of the fallback result page (no result in memory); read only on tap, not worth 7 KB of the last 8 KB of the budget',
}
