import { useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { countdownView, countdownWords } from '@/packages/certify/flow/countdown'
import './index.scss'

export interface CountdownProps {
  /** Wall-clock ms when the attempt began, and its length. */
  startedAt: number
  durationMs: number
  /** Injected clock (tests). */
  now?: () => number
}

/**
 * A calm bar that shrinks over the attempt; the remaining seconds appear in words only in the last
 * part ("还有 3 秒"). Ticks on its own timer, so only this component re-renders.
 */
export function Countdown({ startedAt, durationMs, now = Date.now }: CountdownProps) {
  const [view, setView] = useState(() => countdownView(startedAt, durationMs, now()))
  useEffect(() => {
    const tick = () =>
      setView((prev) => {
        const next = countdownView(startedAt, durationMs, now())
        return next.fraction === prev.fraction && next.seconds === prev.seconds ? prev : next
      })
    tick()
    const h = setInterval(tick, 500)
    return () => clearInterval(h)
  }, [startedAt, durationMs, now])
  const words = countdownWords(view)
  return (
    <View className='yl-countdown' data-testid='countdown' data-seconds={view.seconds ?? ''}>
      <View className='yl-countdown__track'>
        <View className='yl-countdown__bar' style={{ width: `${Math.round(view.fraction * 100)}%` }} />
      </View>
      <Text className='yl-countdown__words'>{words || ' '}</Text>
    </View>
  )
}

export default Countdown
