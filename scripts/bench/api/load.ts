/** One autocannon run at a fixed number of connections, every request built (and signed) afresh. */
import autocannon from 'autocannon'

export const CONNECTIONS = 50

export interface LoadTarget {
  /** Base URL of the server under load. */
  url: string
  path: string
  /** The next request's body and headers (a fresh nonce and signature each time). */
  next(): { body: string; headers: Record<string, string> }
  /** Whether an answer is the expected success (the gateway answers 200 with ok:false on failure). */
  ok(status: number, body: string): boolean
}

export interface LoadResult {
  rps: number
  /** Successful answers (rps is these over the run's length). */
  ok: number
  p50: number
  p99: number
  /** Requests shed with 503 (through the gateway: the backend's SERVICE_UNAVAILABLE inside a 200). */
  shed: number
  /** Answers that were neither a success nor a 503. */
  failed: number
  firstFailure?: string
}

/**
 * `seconds`, or with `amount` exactly that many requests however long they take (a completion can be
 * sent once per open session: a timed run that outlasts them measures refusals); then the rate is over
 * the time from the first request sent to the last answer (autocannon ends such a run only at its next
 * one-second tick, so its own duration is whole seconds).
 */
export async function runLoad(target: LoadTarget, seconds: number, connections = CONNECTIONS, amount?: number): Promise<LoadResult> {
  let shed = 0
  let failed = 0
  let okCount = 0
  let firstFailure: string | undefined
  let firstSentAt: number | undefined
  let lastAnswerAt = 0
  const result = await autocannon({
    url: target.url,
    connections,
    ...(amount === undefined ? { duration: seconds } : { amount }),
    requests: [
      {
        method: 'POST',
        path: target.path,
        setupRequest: (req) => {
          firstSentAt ??= performance.now()
          const { body, headers } = target.next()
          return { ...req, method: 'POST', path: target.path, body, headers: { 'content-type': 'application/json', ...headers } }
        },
        onResponse: (status, body) => {
          lastAnswerAt = performance.now()
          if (target.ok(status, body)) okCount++
          else if (status === 503 || body.includes('"SERVICE_UNAVAILABLE"')) shed++
          else {
            failed++
            firstFailure ??= `${status} ${body.slice(0, 200)}`
          }
        },
      },
    ],
  })
  const ranSeconds = amount === undefined ? seconds : (lastAnswerAt - (firstSentAt ?? lastAnswerAt)) / 1000 || result.duration
  return {
    rps: okCount / ranSeconds,
    ok: okCount,
    p50: result.latency.p50,
    p99: result.latency.p99,
    shed,
    failed: failed + result.errors + result.timeouts,
    ...(firstFailure ? { firstFailure } : {}),
  }
}

/** CONNECTIONS spread over several targets at once (a round-robin balancer's view): summed rate, worst p99. */
export async function runLoadSpread(targets: readonly LoadTarget[], seconds: number): Promise<LoadResult> {
  const share = (i: number) => Math.floor(CONNECTIONS / targets.length) + (i < CONNECTIONS % targets.length ? 1 : 0)
  const results = await Promise.all(targets.map((t, i) => runLoad(t, seconds, share(i))))
  return {
    rps: results.reduce((a, r) => a + r.rps, 0),
    ok: results.reduce((a, r) => a + r.ok, 0),
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    shed: results.reduce((a, r) => a + r.shed, 0),
    failed: results.reduce((a, r) => a + r.failed, 0),
    ...(results.find((r) => r.firstFailure) ? { firstFailure: results.find((r) => r.firstFailure)!.firstFailure } : {}),
  }
}
