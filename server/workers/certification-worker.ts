/**
 * One worker thread of the certification pool (certification-pool.ts): reads evidence frames with
 * Human (its own instance, loaded on the first frame) and examines observation summaries
 * (fingerprint, comparison with earlier summaries, replay). Tasks run one at a time per worker.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { EmbedderUnavailableError, HumanFaceEmbedder, ImageDecodeError } from '../identity/human-node'
import { examineSummaryTask } from '../services/summary-examination'
import type { TaskRequest, TaskResponse, WorkerInit } from './certification-pool'

const init = (workerData ?? {}) as WorkerInit
const gate = init.gate ? new Int32Array(init.gate) : null
let embedder: HumanFaceEmbedder | undefined

async function run(req: TaskRequest): Promise<TaskResponse> {
  try {
    if (req.task === 'analyse') {
      embedder ??= new HumanFaceEmbedder()
      const result = await embedder.analyse(new Uint8Array(req.jpeg))
      return { id: req.id, ok: true, result }
    }
    return { id: req.id, ok: true, result: examineSummaryTask(req.input) }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    const error = err instanceof ImageDecodeError ? 'decode' : err instanceof EmbedderUnavailableError ? 'unavailable' : 'failed'
    return { id: req.id, ok: false, error, message: message.slice(0, 200) }
  }
}

let chain: Promise<void> = Promise.resolve()
parentPort?.on('message', (req: TaskRequest) => {
  chain = chain.then(async () => {
    if (gate) {
      // Tests hold the workers here to show that the main thread keeps answering meanwhile.
      parentPort?.postMessage({ id: req.id, started: true } satisfies TaskResponse)
      while (Atomics.load(gate, 0) === 0) Atomics.wait(gate, 0, 0)
    }
    parentPort?.postMessage(await run(req))
  })
})
