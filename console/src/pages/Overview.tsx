import { UnderConstruction } from '../components/UnderConstruction'

export default function Overview() {
  return <UnderConstruction title="概览" />
}
