/**
 * The 单位认证 entry of 首页: for an account the agency appointed 单位专管员, a button naming its unit;
 * for everyone else a plain way to enter an invitation code. Nothing shows while it loads or when the
 * question fails (the rest of 首页 does not depend on it).
 */
import { useAsync } from '@/hooks/useAsync'
import { navigateTo, ROUTES } from '@/services/navigation'
import { unitAdminStatus } from '@/services/unit-admin'
import { BigButton } from '../BigButton'

export function UnitAdminLine() {
  const [state] = useAsync(unitAdminStatus)
  if (state.phase !== 'ready') return null
  return state.data.appointed ? (
    <BigButton label={`单位认证（${state.data.unitName ?? ''}）`} variant='secondary' onClick={() => void navigateTo(ROUTES.unit)} testId='go-unit' />
  ) : (
    <BigButton label='单位专管员入口' variant='secondary' onClick={() => void navigateTo(ROUTES.unit)} testId='go-unit-claim' />
  )
}
