/**
 * npm run identity:enrol -- <个人编号 personNo> <photo.jpg> [--operator <id>]
 *
 * Enrols the reference photo of one roster person for local-face-match. The photo is turned into a
 * face embedding, stored encrypted in face_references with its metadata; the photo itself is not
 * stored (delete your copy when the agency's retention rules say so). Exactly one clear face, at
 * least 80 px wide, must be in the photo (a frontal ID-style photo is best). Enrolling again
 * replaces the earlier reference. Uses the same environment as the backend (DATABASE_URL or
 * SQLITE_PATH, PII_KEYS…). Exit codes: 0 enrolled, 1 photo refused, 2 usage/configuration error.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { loadCliConfig } from './support/config'
import { openStore } from '../db/connect'
import { migrateToLatest } from '../db/migrate'
import { EmbeddingCipher } from '../identity/embedding-cipher'
import { enrolFaceReference, type EnrolResult } from '../identity/enrol'
import { sharedHumanEmbedder, type FaceEmbedder } from '../identity/human-node'
import { findPersonByPersonNo } from '../repositories/persons'

const USAGE = '用法 / usage: npm run identity:enrol -- <个人编号> <照片.jpg> [--operator <经办人编号>]'
const MAX_PHOTO_BYTES = 10 * 1024 * 1024

const REFUSED: Record<Extract<EnrolResult, { ok: false }>['reason'], string> = {
  not_jpeg: '照片不是 JPEG 文件，或文件已损坏 / the photo is not a readable JPEG',
  no_face: '照片中未找到人脸，请换一张正面、光线充足的照片 / no face found in the photo',
  several_faces: '照片中有多张人脸，请用只有本人的照片 / more than one face in the photo',
  face_too_small: '照片中的人脸太小，请用更近、更清晰的照片 / the face is too small',
}

interface Args {
  personNo: string
  photo: string
  operator: string
}

function parseArgs(argv: string[]): Args | string {
  const positional: string[] = []
  let operator = 'cli'
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--operator') {
      operator = argv[++i] ?? ''
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(operator)) return '--operator 需要字母数字编号 / --operator needs an id (letters, digits, _ -)'
    } else if (a.startsWith('--')) return `未知选项 / unknown option: ${a}`
    else positional.push(a)
  }
  if (positional.length !== 2) return USAGE
  return { personNo: positional[0], photo: positional[1], operator }
}

export interface EnrolCliDeps {
  env?: NodeJS.ProcessEnv
  embedder?: FaceEmbedder
  out?: (s: string) => void
  err?: (s: string) => void
}

export async function main(argv: string[], deps: EnrolCliDeps = {}): Promise<number> {
  const out = deps.out ?? ((s: string) => process.stdout.write(s))
  const err = deps.err ?? ((s: string) => process.stderr.write(s))
  const args = parseArgs(argv)
  if (typeof args === 'string') {
    err(`${args}\n`)
    return 2
  }
  if (!existsSync(args.photo) || !statSync(args.photo).isFile()) {
    err(`找不到照片 / photo not found: ${args.photo}\n`)
    return 2
  }
  if (statSync(args.photo).size > MAX_PHOTO_BYTES) {
    err('照片太大（上限 10 MB）/ photo larger than 10 MB\n')
    return 1
  }
  const config = loadCliConfig(deps.env ?? process.env, err)
  if (!config) return 2
  const store = openStore({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath })
  try {
    await migrateToLatest(store)
    const person = await findPersonByPersonNo(store.db, args.personNo)
    if (!person) {
      err(`名单中没有个人编号 ${args.personNo} / no roster person with this number\n`)
      return 2
    }
    const result = await enrolFaceReference(
      { db: store.db, embedder: deps.embedder ?? sharedHumanEmbedder(), cipher: new EmbeddingCipher(config.piiKeys, config.piiKeyCurrent) },
      { personId: person.id, photo: readFileSync(args.photo), source: 'cli', enrolledBy: args.operator },
    )
    if (!result.ok) {
      out(`未登记 / not enrolled: ${REFUSED[result.reason]}\n`)
      return 1
    }
    out(`${result.replaced ? '已更新' : '已登记'}参考照片：${args.personNo}（${person.name_masked}），人脸置信度 ${result.faceScore.toFixed(2)}。照片本身未保存。/ reference ${result.replaced ? 'replaced' : 'enrolled'}; the photo itself is not stored.\n`)
    if ((config.identity?.verifier ?? 'local-face-match') !== 'local-face-match') {
      out(`提示：当前 IDENTITY_VERIFIER=${config.identity?.verifier}，参考照片只在 local-face-match 下使用 / note: references are used only with local-face-match\n`)
    }
    return 0
  } finally {
    await store.db.destroy()
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`登记失败 / enrolment failed: ${e instanceof Error ? e.message : String(e)}\n`)
      process.exit(1)
    },
  )
}
