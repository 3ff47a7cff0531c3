import { UnderConstruction } from '../components/UnderConstruction'

export default function Exports() {
  return <UnderConstruction title="结果导出" />
}
