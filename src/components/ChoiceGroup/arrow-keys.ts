import { currentPlatform } from '@/services/platform'

interface KeyEventLike {
  key: string
  currentTarget: unknown
  preventDefault(): void
}

/**
 * For each radio of a group (keydown on the radio itself). H5 radiogroup keys, as native radio buttons behave: ↓/→ choose the next choice, ↑/← the previous
 * one (wrapping round), and focus follows. weapp has no keyboard: nothing to attach there.
 */
export function radioArrowKeys<T extends string>(values: ReadonlyArray<T>, current: T | '', choose: (value: T) => void) {
  if (currentPlatform() !== 'h5' || values.length === 0) return undefined
  return (e: KeyEventLike) => {
    const step = e.key === 'ArrowDown' || e.key === 'ArrowRight' ? 1 : e.key === 'ArrowUp' || e.key === 'ArrowLeft' ? -1 : 0
    if (!step) return
    e.preventDefault()
    const at = values.indexOf(current as T)
    const next = at < 0 ? (step > 0 ? 0 : values.length - 1) : (at + step + values.length) % values.length
    choose(values[next])
    const group = (e.currentTarget as HTMLElement | null)?.closest?.('[role="radiogroup"]')
    group?.querySelectorAll<HTMLElement>('[role="radio"]')[next]?.focus()
  }
}
