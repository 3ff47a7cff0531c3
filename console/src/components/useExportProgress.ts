/**
 * Follows an export being built: asks for its status until it is ready or failed. Polling is the
 * console's only way to see a background build; the interval is short because builds are short.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import type { ExportView } from '../../../src/core/contracts/agency/exports'
import { call } from '../api/client'

const POLL_MS = 700

export function useExportProgress(onSettled?: (view: ExportView) => void) {
  const [view, setView] = useState<ExportView | null>(null)
  const [error, setError] = useState<string | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const settled = useRef(onSettled)
  settled.current = onSettled

  const stop = () => {
    if (timer.current) clearTimeout(timer.current)
    timer.current = null
  }
  const follow = useCallback((start: ExportView) => {
    stop()
    setError(null)
    setView(start)
    const poll = async (v: ExportView) => {
      if (v.status !== 'building') return settled.current?.(v)
      timer.current = setTimeout(async () => {
        const res = await call('exportsStatus', { params: { exportId: v.exportId } })
        if (!res.ok) return setError(res.message)
        setView(res.value)
        void poll(res.value)
      }, POLL_MS)
    }
    void poll(start)
  }, [])
  useEffect(() => stop, [])
  return { view, error, follow, reset: () => (stop(), setView(null)) }
}

/** Percent done for a progress bar (null total: unknown yet). */
export function percentOf(v: ExportView): number {
  if (v.status === 'ready') return 100
  if (!v.rowsTotal) return 0
  return Math.min(99, Math.floor((v.rowsDone / v.rowsTotal) * 100))
}
