import { useCallback, useEffect, useRef, useState } from 'react'
import { appError, type AppError, type Result } from '@/core/errors'

export type AsyncState<T> =
  | { phase: 'loading' }
  | { phase: 'ready'; data: T }
  | { phase: 'error'; error: AppError }

/** Runs a Result-returning loader on mount; `reload` runs it again (the 重试 button). */
export function useAsync<T>(loader: () => Promise<Result<T>>): [AsyncState<T>, () => void] {
  const [state, setState] = useState<AsyncState<T>>({ phase: 'loading' })
  const loaderRef = useRef(loader)
  loaderRef.current = loader
  const seq = useRef(0)

  const run = useCallback(() => {
    const mine = ++seq.current
    setState({ phase: 'loading' })
    void loaderRef.current().then(
      (r) => {
        if (mine !== seq.current) return
        setState(r.ok ? { phase: 'ready', data: r.data } : { phase: 'error', error: r.error })
      },
      () => {
        if (mine !== seq.current) return
        setState({ phase: 'error', error: appError('SERVICE_UNAVAILABLE') })
      },
    )
  }, [])

  useEffect(() => {
    run()
    return () => {
      seq.current++
    }
  }, [run])

  return [state, run]
}
