import { useState } from 'react'
import { fontScale } from '@/services/system'

/**
 * The user's WeChat font scale (≥ 1), read once per page through the service layer. PageShell puts
 * it into the root CSS variable --yl-scale, which every text size in the styles multiplies.
 */
export function useFontScale(): number {
  const [scale] = useState(fontScale)
  return scale
}
