import { UnderConstruction } from '../components/UnderConstruction'

export default function Overdue() {
  return <UnderConstruction title="逾期名单" />
}
