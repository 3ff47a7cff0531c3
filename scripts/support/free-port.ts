/**
 * A TCP port free on 127.0.0.1 right now (the OS picks it; a caller that loses a race retries).
 *
 * Never the same port twice in one process: Linux readily hands the port it just released to the
 * next bind(0), so two calls in a row (an app port, then a backend port) could both get it, and the
 * second server then failed with "port in use". A port already handed out is kept bound while the
 * OS is asked again, so the next answer is another one.
 */
import { createServer, type AddressInfo, type Server } from 'node:net'

const handedOut = new Set<number>()

async function listenAnywhere(): Promise<Server> {
  const s = createServer()
  s.unref()
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject)
    s.listen(0, '127.0.0.1', resolve)
  })
  return s
}

const close = (s: Server) => new Promise((r) => s.close(r))

export async function freePort(): Promise<number> {
  const held: Server[] = []
  try {
    for (;;) {
      const s = await listenAnywhere()
      const { port } = s.address() as AddressInfo
      if (!handedOut.has(port)) {
        handedOut.add(port)
        await close(s)
        return port
      }
      held.push(s)
    }
  } finally {
    await Promise.all(held.map(close))
  }
}
