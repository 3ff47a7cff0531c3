import { Text, View } from '@tarojs/components'
import { SCAM_TITLE, scamNoticeSentences, type AgencyInfo } from '@/core/scam'
import './index.scss'

export { SCAM_SHORT, SCAM_TITLE, scamNoticeSentences, type AgencyInfo } from '@/core/scam'

export interface ScamNoticeProps {
  /** The agency as the server found it from the roster person's region (notice landing only). */
  agency?: AgencyInfo
}

/** 谨防诈骗: free, nobody asks for bank card / password / SMS code; with an agency, whom to call. */
export function ScamNotice({ agency }: ScamNoticeProps) {
  const lines = scamNoticeSentences(agency)
  return (
    <View className='yl-scam' data-testid='scam-notice'>
      <View className='yl-scam__head'>
        <Text className='yl-scam__icon'>!</Text>
        <Text className='yl-scam__title'>{SCAM_TITLE}</Text>
      </View>
      {lines.map((line, i) => (
        <Text key={i} className='yl-scam__line' data-testid={agency && i === lines.length - 1 ? 'scam-notice-agency' : undefined}>
          {line}
        </Text>
      ))}
    </View>
  )
}

export default ScamNotice
