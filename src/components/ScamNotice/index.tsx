import { Text } from '@tarojs/components'
import { SCAM_TITLE, scamNoticeSentences, type AgencyInfo } from '@/core/scam'
import { Notice } from '../Notice'

export { SCAM_SHORT, SCAM_TITLE, scamNoticeSentences, type AgencyInfo } from '@/core/scam'

export interface ScamNoticeProps {
  /** The agency as the server found it from the roster person's region (notice landing only). */
  agency?: AgencyInfo
}

/** 谨防诈骗: free, nobody asks for bank card / password / SMS code; with an agency, whom to call. */
export function ScamNotice({ agency }: ScamNoticeProps) {
  const lines = scamNoticeSentences(agency)
  return (
    <Notice tone='warning' title={SCAM_TITLE} testId='scam-notice'>
      {lines.map((line, i) => (
        <Text key={i} className='yl-notice__line' data-testid={agency && i === lines.length - 1 ? 'scam-notice-agency' : undefined}>
          {line}
        </Text>
      ))}
    </Notice>
  )
}

export default ScamNotice
