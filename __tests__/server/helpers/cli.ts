/**
 * For tests that run an import command's main() in process (roster:import, signals:import): the
 * environment the command reads (test keys, the test store) and its stdout captured. restore() puts
 * process.env and the streams back.
 */
import { TEST_HMAC_SECRET, TEST_KEY_V1 } from './config'

export function cliEnvironment(dataDir: string, dialect: string, location: string): { out: string[]; restore: () => void } {
  const env = { ...process.env }
  Object.assign(process.env, { NODE_ENV: 'test', DATA_DIR: dataDir, PII_KEYS: JSON.stringify({ v1: TEST_KEY_V1.toString('base64') }), PII_KEY_CURRENT: 'v1', BACKEND_HMAC_SECRET: TEST_HMAC_SECRET })
  if (dialect === 'postgres') process.env.DATABASE_URL = location
  else {
    delete process.env.DATABASE_URL
    process.env.SQLITE_PATH = location
  }
  const out: string[] = []
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true))
  const errWrite = jest.spyOn(process.stderr, 'write').mockImplementation(() => true)
  return {
    out,
    restore: () => {
      write.mockRestore()
      errWrite.mockRestore()
      process.env = env
    },
  }
}
