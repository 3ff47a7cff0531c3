import { UnderConstruction } from '../components/UnderConstruction'

export default function ReviewDetail() {
  return <UnderConstruction title="审核详情" />
}
