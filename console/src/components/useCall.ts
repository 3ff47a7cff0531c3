/** Loads an endpoint's answer for a page: {loading, result, reload}. */
import { useCallback, useEffect, useRef, useState } from 'react'
import type { ApiResult } from '../api/client'

export function useLoad<T>(load: () => Promise<ApiResult<T>>, deps: unknown[]) {
  const [result, setResult] = useState<ApiResult<T> | null>(null)
  const [loading, setLoading] = useState(true)
  const seq = useRef(0)
  const reload = useCallback(async () => {
    const mine = ++seq.current
    setLoading(true)
    const res = await load()
    // A later reload wins over a slow earlier one.
    if (mine !== seq.current) return
    setResult(res)
    setLoading(false)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps)
  useEffect(() => {
    void reload()
  }, [reload])
  return { result, loading, reload }
}
