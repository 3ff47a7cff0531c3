/**
 * `npm run gateway`: the local gateway alone (the backend must already be running; `npm start`
 * runs everything). Prints the address to open; Ctrl-C stops it.
 */
import type { FastifyInstance } from 'fastify'
import { buildGateway, GatewayRefusedError } from './app'
import { GatewayConfigError, readGatewayConfig, type GatewayConfig } from './config'

export interface RunningGateway {
  app: FastifyInstance
  url: string
  close(): Promise<void>
}

export class PortInUseError extends Error {
  constructor(public readonly host: string, public readonly port: number, envName: string) {
    super(`端口 ${port} 已被占用（${host}）。请关闭占用它的程序，或换一个端口，例如：${envName}=${port + 1} npm start`)
    this.name = 'PortInUseError'
  }
}

export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const app = buildGateway({
    backendUrl: config.backendUrl,
    hmacKeyId: config.hmacKeyId,
    hmacSecret: config.hmacSecret,
    h5Dir: config.h5Dir,
    bodyLimit: config.bodyLimit,
    backendTimeoutMs: config.backendTimeoutMs,
    http: config.http,
  })
  try {
    await app.listen({ host: config.host, port: config.port })
  } catch (err) {
    await app.close().catch(() => {})
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(config.host, config.port, 'APP_PORT')
    throw err
  }
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  return { app, url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${config.port}/`, close: () => app.close() }
}

async function main(): Promise<void> {
  let config: GatewayConfig
  try {
    config = readGatewayConfig()
  } catch (err) {
    console.error(err instanceof GatewayConfigError ? err.message : String(err))
    process.exit(1)
  }
  let running: RunningGateway
  try {
    running = await startGateway(config)
  } catch (err) {
    console.error(err instanceof PortInUseError || err instanceof GatewayRefusedError ? err.message : `网关启动失败：${String(err)}`)
    process.exit(1)
  }
  console.log(`本地网关已启动：${running.url}`)
  console.log(`后端地址：${config.backendUrl}   H5 目录：${config.h5Dir}`)
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`收到 ${signal}，正在停止网关…`)
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

if (require.main === module) void main()
