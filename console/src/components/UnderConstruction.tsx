import { Result } from 'antd'

/** A page whose backend endpoints have not landed yet. */
export function UnderConstruction({ title }: { title: string }) {
  return <Result status="info" title={title} subTitle="该功能正在建设中" />
}
