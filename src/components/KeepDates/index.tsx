/**
 * Text whose dates stay in one piece: at the largest text a line may wrap, but never inside
 * 2026年12月31日 ("2026年12月3" / "1日" reads as a different date).
 */
import { Text } from '@tarojs/components'
import './index.scss'

const DATE = /(\d{4}年\d{1,2}月(?:\d{1,2}日)?)/

export function KeepDates({ text, className = 'yl-keep' }: { text: string; className?: string }) {
  const parts = text.split(DATE)
  if (parts.length === 1) return <>{text}</>
  return (
    <>
      {parts.map((p, k) =>
        k % 2 === 1 ? (
          <Text className={className} key={k}>
            {p}
          </Text>
        ) : (
          p
        ),
      )}
    </>
  )
}

export default KeepDates
