/** The 静默认证 policy from the environment (SIGNALS_* in server/config/variables.ts). */
import { parseSilentPolicy, type SilentPolicy } from '../../src/core/silent-certification'

export function readSignalPolicy(env: NodeJS.ProcessEnv = process.env): SilentPolicy {
  return parseSilentPolicy({
    sources: env.SIGNALS_SOURCES,
    recentDays: env.SIGNALS_RECENT_DAYS,
    minSignals: env.SIGNALS_MIN_SIGNALS,
    minSources: env.SIGNALS_MIN_SOURCES,
  })
}
