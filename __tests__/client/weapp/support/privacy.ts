/**
 * ID numbers never leave the cloud call that needs them: not in what a page shows, not in any other
 * wx call (navigation urls, share paths, storage, toasts, subscriptions).
 */
import type { LoadedPage } from './page'
import type { RecordingWx } from './wx'

/** Every recorded wx call except cloud.callFunction (bindIdentity and friends carry the number to the backend on purpose), plus storage. */
export function wxTextBesidesCloud(rec: RecordingWx): string {
  const rest = rec.calls.filter((c) => c.name !== 'cloud.callFunction')
  return JSON.stringify(rest.map((c) => [c.name, c.args], (_k: string, v: unknown) => (typeof v === 'function' ? '[fn]' : v))) + JSON.stringify([...rec.storage.entries()])
}

/** Fails when a full ID number (or its last 8 characters, the part masks hide) shows up. */
export function expectNoIdNumber(where: string, text: string, idNumbers: readonly string[]): void {
  for (const id of idNumbers) {
    if (text.includes(id)) throw new Error(`full ID number ${id.slice(0, 3)}… found in ${where}`)
    if (text.includes(id.slice(6, 14))) throw new Error(`the birth date part of ${id.slice(0, 3)}… found in ${where}`)
  }
}

/** The rendered page: its DOM and its text. */
export function expectPageHidesIds(page: LoadedPage, idNumbers: readonly string[]): void {
  expectNoIdNumber(`${page.route} (rendered)`, page.html(), idNumbers)
}
