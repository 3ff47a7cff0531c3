/** File I/O for face-trace/1 traces and label files (.jsonl or .jsonl.gz). The parsing itself is pure (src/core). */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { gunzipSync, gzipSync } from 'node:zlib'
import { LivenessInputError } from '../../src/core/liveness/errors'
import { parseLabels, type LabelFile } from '../../src/core/liveness/eval'
import { parseTrace, serialiseTrace, type Trace } from '../../src/core/liveness/trace/format'

export function readTextFile(path: string): string {
  if (!existsSync(path)) throw new LivenessInputError('FILE_NOT_FOUND', path)
  let buf: Buffer
  try {
    buf = readFileSync(path)
  } catch {
    throw new LivenessInputError('FILE_UNREADABLE', path)
  }
  if (path.endsWith('.gz')) {
    try {
      buf = gunzipSync(buf)
    } catch {
      throw new LivenessInputError('GZIP_BAD', path)
    }
  }
  return buf.toString('utf8')
}

export function readTrace(path: string): Trace {
  return parseTrace(readTextFile(path))
}

export function readLabels(path: string): LabelFile {
  return parseLabels(readTextFile(path))
}

/** Write a trace; gzip-compressed when the path ends in .gz. */
export function writeTrace(path: string, trace: Trace): void {
  const text = serialiseTrace(trace)
  writeFileSync(path, path.endsWith('.gz') ? gzipSync(Buffer.from(text, 'utf8'), { level: 9 }) : text)
}

const traceCache = new Map<string, { mtimeMs: number; size: number; trace: Trace }>()

/**
 * readTrace with a per-process cache keyed by path, modification time and size (evaluation reads the same
 * fixtures many times). Callers must not modify the returned trace.
 */
export function readTraceCached(path: string): Trace {
  let st: { mtimeMs: number; size: number }
  try {
    st = statSync(path)
  } catch {
    throw new LivenessInputError('FILE_NOT_FOUND', path)
  }
  const hit = traceCache.get(path)
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.trace
  const trace = readTrace(path)
  traceCache.set(path, { mtimeMs: st.mtimeMs, size: st.size, trace })
  return trace
}
