import { UnderConstruction } from '../components/UnderConstruction'

export default function PersonDetail() {
  return <UnderConstruction title="人员详情" />
}
