/**
 * Was a shown sentence spoken? Compares the sentences a page showed with what its speech layer
 * started saying (window.__ylSpeechLog, filled by src/services/speech.ts when a test sets it).
 *
 * Both sides are reduced to their words: spaces, punctuation and marks (✓ ✕ ⚠ ·) go, and every
 * number — digits or Chinese numerals — becomes '#', since 还有 12 秒 on the screen was spoken a
 * moment earlier as 还有十三秒. A shown sentence counts as spoken when its words appear in what was
 * said (one utterance may say several of them). Shown text is cut at every comma, colon and full
 * stop first, so each clause must have been said somewhere.
 */

const NUMBER = /[0-9０-９零〇一二两三四五六七八九十百]+/g
const NOISE = /[\s，,。.！!？?；;：:、“”"'‘’（）()《》〈〉「」【】\[\]·•…—\-–~～✓✔✕✗×⚠○●▶►→←↑↓|/]+/g

export function words(s: string): string {
  return s.replace(NUMBER, '#').replace(NOISE, '')
}

/** The shown sentences whose words were never said. */
export function unspoken(shown: readonly string[], said: readonly string[]): string[] {
  const heard = said.map(words).join('|')
  const out: string[] = []
  for (const s of shown) {
    const w = words(s)
    if (!w || w === '#') continue
    if (!heard.includes(w) && !out.includes(s)) out.push(s)
  }
  return out
}
