/** The local gateway in its own process for npm run bench:api (quiet, no H5 build). */
import { buildGateway } from '../../../servers/gateway/app'

async function main(): Promise<void> {
  const app = buildGateway({
    backendUrl: process.env.BACKEND_URL!,
    hmacKeyId: 'k1',
    hmacSecret: process.env.BACKEND_HMAC_SECRET!,
    h5Dir: null,
    logger: false,
    logBackendProblem: () => {},
  })
  await app.listen({ host: '127.0.0.1', port: Number(process.env.BENCH_PORT) })
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)))
}

main().catch((err) => {
  process.stderr.write(`gateway failed: ${String(err)}\n`)
  process.exit(1)
})
