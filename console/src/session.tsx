/**
 * Who is signed in. Loaded once from the backend's "me" answer (which also carries the CSRF token
 * the client sends on every POST); a 401 anywhere sends the clerk back to the sign-in page.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import type { AgencyUserView } from '../../src/core/contracts/agency/auth'
import { call, setCsrfToken, setSignedOutHandler } from './api/client'
import { navigate } from './router'

export type ConsoleUser = AgencyUserView

/** The header's words for a region prefix ('' = every region). */
export const regionLabel = (prefix: string) => (prefix ? prefix : '全部地区')

export type Session =
  | { state: 'loading' }
  | { state: 'signed-out'; refresh: () => Promise<void> }
  | { state: 'signed-in'; user: ConsoleUser; refresh: () => Promise<void>; signOut: () => Promise<void> }

const SessionContext = createContext<Session>({ state: 'loading' })

export const useSession = () => useContext(SessionContext)

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<ConsoleUser | null | undefined>(undefined)
  const refresh = useCallback(async () => {
    const me = await loadMe()
    setCsrfToken(me?.csrfToken ?? null)
    setUser(me?.user ?? null)
  }, [])
  const signOut = useCallback(async () => {
    await endSession()
    setCsrfToken(null)
    setUser(null)
    navigate('/login', { replace: true })
  }, [])
  useEffect(() => {
    setSignedOutHandler(() => {
      setCsrfToken(null)
      setUser(null)
    })
    void refresh()
    return () => setSignedOutHandler(null)
  }, [refresh])
  const value = useMemo<Session>(
    () => (user === undefined ? { state: 'loading' } : user === null ? { state: 'signed-out', refresh } : { state: 'signed-in', user, refresh, signOut }),
    [user, refresh, signOut],
  )
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
}

async function loadMe(): Promise<{ user: ConsoleUser; csrfToken: string } | null> {
  const me = await call('authMe')
  return me.ok ? me.value : null
}

async function endSession(): Promise<void> {
  await call('authSignOut')
}
