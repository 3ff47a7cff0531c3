import { useEffect, useRef, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { countdownView, countdownWords } from './countdown'
import './index.scss'

export interface CountdownProps {
  /** Wall-clock ms when the attempt began, and its length. */
  startedAt: number
  durationMs: number
  /** Injected clock (tests). */
  now?: () => number
  /**
   * Called once per attempt when the words first appear ("还有 5 秒"), so the page can say them: not
   * every second, which would hurry the person.
   */
  onWords?: (words: string) => void
  /** Injected ticker (tests). */
  every?: (fn: () => void, ms: number) => () => void
}

const realEvery = (fn: () => void, ms: number) => {
  const h = setInterval(fn, ms)
  return () => clearInterval(h)
}

/**
 * A calm bar that shrinks over the attempt; the remaining seconds appear in words only in the last
 * part ("还有 3 秒"). Ticks on its own timer, so only this component re-renders.
 */
export function Countdown({ startedAt, durationMs, now = Date.now, onWords, every = realEvery }: CountdownProps) {
  const [view, setView] = useState(() => countdownView(startedAt, durationMs, now()))
  const wordsRef = useRef(onWords)
  wordsRef.current = onWords
  useEffect(() => {
    let told = false
    const tick = () => {
      const next = countdownView(startedAt, durationMs, now())
      if (next.seconds !== null && !told) {
        told = true
        wordsRef.current?.(countdownWords(next))
      }
      setView((prev) => (next.fraction === prev.fraction && next.seconds === prev.seconds ? prev : next))
    }
    tick()
    return every(tick, 500)
  }, [startedAt, durationMs, now, every])
  const words = countdownWords(view)
  return (
    <View className='yl-countdown' data-testid='countdown' data-seconds={view.seconds ?? ''}>
      <View className='yl-countdown__track'>
        <View className='yl-countdown__bar' style={{ width: `${Math.round(view.fraction * 100)}%` }} />
      </View>
      <Text className={`yl-countdown__words${words ? '' : ' yl-countdown__words--empty'}`} data-testid='countdown-words'>
        {words || ' '}
      </Text>
    </View>
  )
}

export default Countdown
