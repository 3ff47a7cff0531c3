/**
 * Text whose dates and a few key words stay in one piece: at the largest text a line may wrap, but never
 * inside 2026年12月31日 ("2026年12月3" / "1日" reads as a different date), nor inside 暂停发放 or 养老保险
 * ("暂" / "停发放" makes an old reader stop and puzzle over what the line says about her money).
 */
import { Text } from '@tarojs/components'
import './index.scss'

/** Words kept whole, longer ones first (an alternation takes the first that matches). */
const KEPT_WORDS = ['基本养老保险', '养老保险', '暂停发放', '恢复发放', '人工审核', '已逾期'] as const

const KEPT = new RegExp(`(\\d{4}年\\d{1,2}月(?:\\d{1,2}日)?|${KEPT_WORDS.join('|')})`)

export function KeepDates({ text, className = 'yl-keep' }: { text: string; className?: string }) {
  const parts = text.split(KEPT)
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
