/** A TCP port free on 127.0.0.1 right now (the OS picks it; a caller that loses a race retries). */
import { createServer, type AddressInfo } from 'node:net'

export async function freePort(): Promise<number> {
  const s = createServer()
  s.unref()
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject)
    s.listen(0, '127.0.0.1', resolve)
  })
  const { port } = s.address() as AddressInfo
  await new Promise((r) => s.close(r))
  return port
}
