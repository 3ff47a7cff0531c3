/** freePort never hands out one port twice in a process (Linux gives a just-released port to the next bind). */
import { createServer } from 'node:net'
import { freePort } from '../../scripts/support/free-port'

describe('freePort', () => {
  it('two hundred calls in a row give two hundred different ports, each free to bind', async () => {
    const ports: number[] = []
    for (let i = 0; i < 200; i++) ports.push(await freePort())
    expect(new Set(ports).size).toBe(ports.length)
    for (const port of ports.slice(-3)) {
      const s = createServer()
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject)
        s.listen(port, '127.0.0.1', resolve)
      })
      await new Promise((r) => s.close(r))
    }
  })
})
