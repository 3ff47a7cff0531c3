/**
 * A hand-driven HTTP client on a real socket, for what inject() cannot show: a client that stops
 * sending half-way, keeps a connection idle, or sends garbage. Waits for events, never for time.
 */
import { connect, type Socket } from 'node:net'

export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export interface RawConnection {
  socket: Socket
  send(data: string): Promise<void>
  /** Everything received so far. */
  received(): string
  /** Resolves when the server has closed the connection, with what it sent and when. */
  closed: Promise<{ text: string; closedAt: number }>
  /** Resolves once `count` complete responses (by Content-Length) have arrived. */
  responses(count: number): Promise<RawResponse[]>
}

/** Splits a byte stream into complete HTTP responses (Content-Length bodies only). */
export function parseResponses(text: string): RawResponse[] {
  const out: RawResponse[] = []
  let rest = Buffer.from(text, 'utf8')
  for (;;) {
    const end = rest.indexOf('\r\n\r\n')
    if (end < 0) return out
    const [statusLine, ...lines] = rest.subarray(0, end).toString('utf8').split('\r\n')
    const headers = Object.fromEntries(
      lines.map((l) => {
        const i = l.indexOf(':')
        return [l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()]
      }),
    )
    const length = Number(headers['content-length'] ?? 0)
    if (rest.length < end + 4 + length) return out
    out.push({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, body: rest.subarray(end + 4, end + 4 + length).toString('utf8') })
    rest = rest.subarray(end + 4 + length)
  }
}

export async function rawConnect(port: number, host = '127.0.0.1'): Promise<RawConnection> {
  const socket = connect({ port, host })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  let text = ''
  const waiters: Array<() => void> = []
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    text += chunk
    for (const w of waiters.splice(0)) w()
  })
  // A reset after the server's answer is still a close: what was received counts.
  socket.on('error', () => {})
  const closed = new Promise<{ text: string; closedAt: number }>((resolve) => socket.once('close', () => resolve({ text, closedAt: Date.now() })))
  return {
    socket,
    send: (data) => new Promise<void>((resolve, reject) => socket.write(data, (err) => (err ? reject(err) : resolve()))),
    received: () => text,
    closed,
    responses: (count) =>
      new Promise<RawResponse[]>((resolve, reject) => {
        const check = () => {
          const parsed = parseResponses(text)
          if (parsed.length >= count) return resolve(parsed)
          if (socket.destroyed) return reject(new Error(`connection closed after ${parsed.length} of ${count} responses: ${JSON.stringify(text)}`))
          waiters.push(check)
        }
        socket.once('close', () => waiters.length > 0 && check())
        check()
      }),
  }
}
