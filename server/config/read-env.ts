/**
 * Small readers for the settings that loadConfig (env.ts) hands to a feature's own config module
 * (agency sign-in, reminders, certification, notices). A bad value adds a problem, in Chinese for the person
 * running the service and English for the logs, and the default is used so every problem is
 * reported at once; loadConfig then refuses to boot.
 */
export type Env = Record<string, string | undefined>

/** A problem text: Chinese, then English. */
export const bilingual = (zh: string, en: string): string => `${zh} / ${en}`

/** A whole number in [min, max]; unset or empty → fallback. */
export function readInt(env: Env, name: string, min: number, max: number, fallback: number, problems: string[]): number {
  const raw = env[name]?.trim()
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!/^\d{1,9}$/.test(raw) || n < min || n > max) {
    problems.push(bilingual(`${name} 必须是 ${min}–${max} 的整数`, `${name} must be an integer ${min}–${max}`))
    return fallback
  }
  return n
}
