import { UnderConstruction } from '../components/UnderConstruction'

export default function Users() {
  return <UnderConstruction title="账号管理" />
}
