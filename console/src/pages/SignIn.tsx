import { UnderConstruction } from '../components/UnderConstruction'

export function SignIn() {
  return <UnderConstruction title="登录" />
}
