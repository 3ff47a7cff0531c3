import { UnderConstruction } from '../components/UnderConstruction'

export default function Persons() {
  return <UnderConstruction title="人员查询" />
}
