/**
 * A release step that stops with a plain Chinese message, a stable code and an exit code.
 * Shared by `npm run weapp:preview` / `weapp:upload` and `npm run cloud:deploy`.
 */

/** Exit codes of the release commands. */
export const EXIT = {
  ok: 0,
  /** Bad arguments or configuration: nothing was sent anywhere. */
  refused: 2,
  /** The local checks (package sizes, the cloud-function build) failed: nothing was sent. */
  checksFailed: 3,
  /** WeChat / CloudBase refused or failed, or did not answer. */
  remoteFailed: 4,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

export class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCode = EXIT.refused,
  ) {
    super(message)
    this.name = 'Refusal'
  }
}

export function refuse(code: string, message: string, exitCode: ExitCode = EXIT.refused): never {
  throw new Refusal(code, message, exitCode)
}

/** One line for people: `✗ [CODE] message`. */
export function formatRefusal(r: Refusal): string {
  return `✗ [${r.code}] ${r.message}`
}

export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message
  if (e && typeof e === 'object') {
    const o = e as { errMsg?: unknown; message?: unknown; code?: unknown }
    const text = [o.code, o.errMsg ?? o.message].filter((x) => x !== undefined && x !== '').join(' ')
    if (text) return text
    try {
      return JSON.stringify(e)
    } catch {
      // fall through
    }
  }
  return String(e)
}

/**
 * Runs one command: its exit code, or — when it stops — the refusal printed as one line and its exit
 * code; anything unexpected is printed as `failedCode` ("<interrupted>：<reason>") and counts as the
 * remote side failing.
 */
export async function runRefusing(command: () => Promise<ExitCode>, failedCode: string, interrupted: string, error: (line: string) => void): Promise<ExitCode> {
  try {
    return await command()
  } catch (e) {
    const r = e instanceof Refusal ? e : new Refusal(failedCode, `${interrupted}：${errorText(e)}`, EXIT.remoteFailed)
    error(formatRefusal(r))
    return r.exitCode
  }
}
