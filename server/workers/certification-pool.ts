/**
 * Worker threads for the CPU-heavy half of a certification completion, so it never holds the event
 * loop (under-pressure would otherwise answer 503 to everyone else while Human reads a frame):
 *  - reading evidence frames with Human (face, mesh, head angles, embedding: ~150–500 ms a frame);
 *  - examining the observation summary: fingerprint, comparison with every earlier summary of the
 *    person, replay through the engine (services/summary-examination.ts).
 *
 * Workers start on the first task and each loads its own Human on its first frame. Tasks queue in
 * the pool and go to the next idle worker. A worker that dies fails its task (the completion answers
 * SERVICE_UNAVAILABLE and can be retried) and is replaced on the next task.
 */
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { EmbedderUnavailableError, ImageDecodeError, similarity, type DetectedFace, type FaceAnalysis, type FaceEmbedder } from '../identity/human-node'
import type { SummaryExamination, SummaryExaminationTask } from '../services/summary-examination'

export interface WorkerInit {
  /** Test hook: an Int32Array(1) buffer; workers wait before each task while its value is 0. */
  gate?: SharedArrayBuffer
}

export type TaskRequest = { id: number; task: 'analyse'; jpeg: ArrayBuffer } | { id: number; task: 'summary'; input: SummaryExaminationTask }

export type TaskResponse =
  | { id: number; started: true }
  | { id: number; ok: true; result: FaceAnalysis | SummaryExamination }
  | { id: number; ok: false; error: 'decode' | 'unavailable' | 'failed'; message: string }

export interface CertificationPoolOptions {
  /** Worker threads (default 1: on 2 cores, one stays for the event loop). */
  size?: number
  /** Test hook, see WorkerInit. */
  gate?: SharedArrayBuffer
  /** Test hook: called when a worker takes a task (with a gate: before it waits). */
  onTaskStarted?: (task: TaskRequest['task']) => void
}

interface Pending {
  req: TaskRequest
  transfer: ArrayBuffer[]
  resolve: (v: unknown) => void
  reject: (e: Error) => void
}

interface Slot {
  worker: Worker
  busy: Pending | null
}

const ENTRY = join(__dirname, 'certification-worker-entry.cjs')

export class CertificationPool {
  private readonly size: number
  private readonly slots: Slot[] = []
  private readonly queue: Pending[] = []
  private nextId = 1
  private closed = false

  constructor(private readonly opts: CertificationPoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? 1)
  }

  /** Reads one JPEG with Human. Throws ImageDecodeError (bad image) or EmbedderUnavailableError. */
  analyse(jpeg: Uint8Array): Promise<FaceAnalysis> {
    const copy = new Uint8Array(jpeg).buffer
    return this.submit<FaceAnalysis>({ id: this.nextId++, task: 'analyse', jpeg: copy }, [copy])
  }

  examineSummary(input: SummaryExaminationTask): Promise<SummaryExamination> {
    return this.submit<SummaryExamination>({ id: this.nextId++, task: 'summary', input }, [])
  }

  /** Tasks waiting or running. */
  get pending(): number {
    return this.queue.length + this.slots.filter((s) => s.busy).length
  }

  async close(): Promise<void> {
    this.closed = true
    for (const p of this.queue.splice(0)) p.reject(new EmbedderUnavailableError('certification pool closed'))
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()))
  }

  private submit<T>(req: TaskRequest, transfer: ArrayBuffer[]): Promise<T> {
    if (this.closed) return Promise.reject(new EmbedderUnavailableError('certification pool closed'))
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ req, transfer, resolve: resolve as (v: unknown) => void, reject })
      this.dispatch()
    })
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.busy)
      if (!slot && this.slots.length < this.size) slot = this.spawn()
      if (!slot) return
      const p = this.queue.shift() as Pending
      slot.busy = p
      if (!this.opts.gate) this.opts.onTaskStarted?.(p.req.task)
      slot.worker.postMessage(p.req, p.transfer)
    }
  }

  private spawn(): Slot {
    const init: WorkerInit = { gate: this.opts.gate }
    const worker = new Worker(ENTRY, { workerData: init })
    const slot: Slot = { worker, busy: null }
    worker.unref()
    worker.on('message', (m: TaskResponse) => {
      const p = slot.busy
      if (!p || p.req.id !== m.id) return
      if ('started' in m) {
        this.opts.onTaskStarted?.(p.req.task)
        return
      }
      slot.busy = null
      if (m.ok) p.resolve(m.result)
      else p.reject(m.error === 'decode' ? new ImageDecodeError(m.message) : m.error === 'unavailable' ? new EmbedderUnavailableError(m.message) : new Error(m.message))
      this.dispatch()
    })
    const lost = (why: string) => {
      const i = this.slots.indexOf(slot)
      if (i >= 0) this.slots.splice(i, 1)
      const p = slot.busy
      slot.busy = null
      p?.reject(new EmbedderUnavailableError(why))
      if (!this.closed) this.dispatch()
    }
    worker.on('error', (e) => lost(`certification worker failed: ${e.message}`))
    worker.on('exit', (code) => lost(`certification worker stopped (exit code ${code})`))
    this.slots.push(slot)
    return slot
  }
}

/**
 * The pool as the FaceEmbedder of local-face-match. The evidence check reads the same frames just
 * before; the last few analyses are kept (by content hash) so Human runs once per frame.
 */
export class PooledFaceEmbedder implements FaceEmbedder {
  private readonly cache = new Map<string, Promise<FaceAnalysis>>()

  constructor(
    private readonly pool: CertificationPool,
    readonly model: string,
    private readonly cacheSize = 16,
  ) {}

  analyse(jpeg: Uint8Array): Promise<FaceAnalysis> {
    const key = createHash('sha256').update(jpeg).digest('hex')
    let p = this.cache.get(key)
    if (p) {
      this.cache.delete(key)
      this.cache.set(key, p)
      return p
    }
    p = this.pool.analyse(jpeg)
    this.cache.set(key, p)
    p.catch(() => this.cache.delete(key))
    while (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string)
    return p
  }

  async embed(jpeg: Uint8Array): Promise<DetectedFace[]> {
    return (await this.analyse(jpeg)).faces
  }

  similarity(a: number[], b: number[]): number {
    return similarity(a, b)
  }
}
