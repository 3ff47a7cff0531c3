/**
 * Reading the server's configuration for a command-line tool, the same way in every tool: config
 * warnings go to stderr, and a ConfigError (a missing or bad variable) is printed on stderr and
 * answered with `undefined`, so the caller exits with code 2 (usage / set-up error) instead of a stack
 * trace. Any other error is a bug and is thrown on.
 */
import { ConfigError, loadConfig, type AppConfig } from '../../config/env'

export function loadCliConfig(env: NodeJS.ProcessEnv, err: (s: string) => void): AppConfig | undefined {
  try {
    return loadConfig(env, { warn: (m) => err(`${m}\n`) })
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`${e.message}\n`)
      return undefined
    }
    throw e
  }
}
