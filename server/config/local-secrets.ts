/**
 * Local secrets for a machine without configured keys: a JSON file DATA_DIR/local-keys.json created
 * on first start (mode 0600). Shared by the backend and the local gateway (which needs the same
 * HMAC secret to sign its requests). Never used in production: there every secret comes from the
 * environment.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const LOCAL_SECRETS_FILE = 'local-keys.json'

export interface LocalSecrets {
  /** PII encryption master keys by version, each base64 of 32 bytes. */
  piiKeys: Record<string, string>
  piiKeyCurrent: string
  hmacKeyId: string
  /** Shared request-signing secret; the HMAC key is the UTF-8 bytes of this string. */
  hmacSecret: string
}

export interface LoadedLocalSecrets extends LocalSecrets {
  path: string
  /** True when this call created the file. */
  created: boolean
}

export interface LoadLocalSecretsOptions {
  /** Default true. False: a missing file is an error (used in production). */
  allowCreate?: boolean
}

export class LocalSecretsError extends Error {}

function generate(): LocalSecrets {
  return {
    piiKeys: { v1: randomBytes(32).toString('base64') },
    piiKeyCurrent: 'v1',
    hmacKeyId: 'k1',
    hmacSecret: randomBytes(32).toString('base64url'),
  }
}

function parse(path: string): LocalSecrets {
  let data: unknown
  try {
    data = JSON.parse(readFileSync(path, 'utf8'))
  } catch {
    throw new LocalSecretsError(`本地密钥文件无法读取 / cannot read local key file: ${path}`)
  }
  const d = data as Partial<LocalSecrets>
  if (
    !d ||
    typeof d.piiKeys !== 'object' ||
    d.piiKeys === null ||
    typeof d.piiKeyCurrent !== 'string' ||
    typeof d.hmacKeyId !== 'string' ||
    typeof d.hmacSecret !== 'string' ||
    typeof (d.piiKeys as Record<string, unknown>)[d.piiKeyCurrent] !== 'string'
  ) {
    throw new LocalSecretsError(`本地密钥文件格式不对 / local key file is malformed: ${path}`)
  }
  return { piiKeys: d.piiKeys as Record<string, string>, piiKeyCurrent: d.piiKeyCurrent, hmacKeyId: d.hmacKeyId, hmacSecret: d.hmacSecret }
}

/**
 * Reads DATA_DIR/local-keys.json, creating it on first use. Creation is atomic (write a temp file,
 * then hard-link it into place), so the backend and the gateway starting together agree on one file.
 */
export function loadLocalSecrets(dataDir: string, options: LoadLocalSecretsOptions = {}): LoadedLocalSecrets {
  const path = join(dataDir, LOCAL_SECRETS_FILE)
  if (existsSync(path)) return { ...parse(path), path, created: false }
  if (options.allowCreate === false) {
    throw new LocalSecretsError(`缺少本地密钥文件 / local key file missing: ${path}`)
  }
  mkdirSync(dataDir, { recursive: true })
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  writeFileSync(tmp, JSON.stringify(generate(), null, 2) + '\n', { mode: 0o600 })
  let created = true
  try {
    linkSync(tmp, path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    created = false
  } finally {
    unlinkSync(tmp)
  }
  return { ...parse(path), path, created }
}
