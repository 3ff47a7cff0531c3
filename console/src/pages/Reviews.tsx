import { UnderConstruction } from '../components/UnderConstruction'

export default function Reviews() {
  return <UnderConstruction title="人工审核" />
}
