/**
 * The baseline of npm run bench:api: a bare Fastify POST route in its own process, parsing the same JSON
 * body and answering a small JSON object. No signature check, no store: what the framework alone costs.
 */
import Fastify from 'fastify'

async function main(): Promise<void> {
  const app = Fastify({ logger: false })
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.post('/bare', async (req) => ({ ok: true, echo: typeof req.body === 'object' && req.body !== null ? Object.keys(req.body).length : 0 }))
  await app.listen({ host: '127.0.0.1', port: Number(process.env.BENCH_PORT) })
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)))
}

main().catch((err) => {
  process.stderr.write(`bare route failed: ${String(err)}\n`)
  process.exit(1)
})
