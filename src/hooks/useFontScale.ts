import { useEffect, useState } from 'react'
import { effectiveFontScale, fontSizeChoice, subscribeFontSizeChoice, type FontSizeChoice } from '@/services/system'

/**
 * The font scale every page uses (≥ 1): WeChat's font setting or the 字号 chosen on 首页, whichever
 * is larger. PageShell puts it into the root CSS variable --yl-scale, which every text size in the
 * styles multiplies. Pages already open follow a new choice at once.
 */
export function useFontScale(): number {
  const [scale, setScale] = useState(() => effectiveFontScale())
  useEffect(() => {
    // A choice made between the first render and this subscription would otherwise be missed.
    setScale(effectiveFontScale())
    return subscribeFontSizeChoice((choice) => setScale(effectiveFontScale(choice)))
  }, [])
  return scale
}

/** The 字号 choice itself, kept in step with the shared store (for the FontSizeChoice buttons). */
export function useFontSizeChoice(): FontSizeChoice {
  const [choice, setChoice] = useState(fontSizeChoice)
  useEffect(() => {
    setChoice(fontSizeChoice())
    return subscribeFontSizeChoice(setChoice)
  }, [])
  return choice
}
