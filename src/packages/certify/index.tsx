import { Text } from '@tarojs/components'
import { BigButton } from '@/components/BigButton'
import { Notice } from '@/components/Notice'
import { PageShell } from '@/components/PageShell'
import { backHome } from '@/services/navigation'

const CERTIFY_PLACEHOLDER_TITLE = '刷脸认证功能正在建设中'
const BODY = '现在还不能在这里完成认证，您的认证状态没有改变。如需马上认证，请到当地社保经办机构办理，或使用当地人社部门的官方渠道。'

/**
 * Placeholder until the liveness flow exists. It never records or shows a pass.
 */
export default function CertifyPage() {
  return (
    <PageShell title='刷脸认证' speech={`${CERTIFY_PLACEHOLDER_TITLE}。${BODY}`}>
      <Notice title={CERTIFY_PLACEHOLDER_TITLE} testId='certify-placeholder'>
        <Text>{BODY}</Text>
      </Notice>
      <BigButton label='返回首页' size='main' onClick={() => void backHome()} />
    </PageShell>
  )
}
