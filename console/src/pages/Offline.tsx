import { UnderConstruction } from '../components/UnderConstruction'

export default function Offline() {
  return <UnderConstruction title="线下认证登记" />
}
