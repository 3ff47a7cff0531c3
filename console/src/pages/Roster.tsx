import { UnderConstruction } from '../components/UnderConstruction'

export default function Roster() {
  return <UnderConstruction title="名册导入" />
}
