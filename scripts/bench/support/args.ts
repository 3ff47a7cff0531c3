/** Command-line options of the bench scripts: `--name value`, read straight from process.argv. */

/** A number option; a missing, negative or unreadable value gives the fallback. */
export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN
  return Number.isFinite(v) && v >= 0 ? v : fallback
}

/** A text option, undefined when not given. */
export function argText(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}
