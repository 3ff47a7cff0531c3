/**
 * The console's shell: Ant Design in Chinese with a theme sized for a desk (15 px text, tall
 * controls), the session (signed in or the sign-in page), and the page for the current path.
 */
import { App as AntApp, ConfigProvider, Spin } from 'antd'
import zhCN from 'antd/locale/zh_CN'
import dayjs from 'dayjs'
import 'dayjs/locale/zh-cn'
import { Suspense } from 'react'
import { Shell } from './components/Shell'
import { SessionProvider, useSession } from './session'
import { matchPath, usePath } from './router'
import { PAGES } from './pages/registry'
import { SignIn } from './pages/SignIn'
import { Result } from 'antd'

dayjs.locale('zh-cn')

const THEME = {
  token: { fontSize: 15, controlHeight: 38, borderRadius: 6, colorPrimary: '#1558d6', colorText: '#1f2329' },
  components: { Table: { cellPaddingBlock: 10 }, Menu: { itemHeight: 46 } },
}

// Someone who asked their system for less motion gets none (Ant Design's motion token).
const REDUCED_MOTION = typeof window !== 'undefined' && window.matchMedia?.('(prefers-reduced-motion: reduce)').matches

export function App() {
  return (
    <ConfigProvider locale={zhCN} theme={REDUCED_MOTION ? { ...THEME, token: { ...THEME.token, motion: false } } : THEME}>
      <AntApp>
        <SessionProvider>
          <Routes />
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  )
}

function Routes() {
  const path = usePath()
  const session = useSession()
  if (session.state === 'loading') return <FullPageSpin />
  if (session.state === 'signed-out' || path === '/login') return <SignIn />
  for (const page of PAGES) {
    const params = matchPath(page.path, path)
    if (!params) continue
    const allowed = !page.roles || page.roles.includes(session.user.role)
    const Page = page.component
    return (
      <Shell active={page.menu}>
        {allowed ? (
          <Suspense fallback={<Spin size="large" style={{ display: 'block', margin: '80px auto' }} />}>
            <Page params={params} />
          </Suspense>
        ) : (
          <Result status="403" title="没有权限" subTitle="您的岗位不能使用这个页面。如需使用，请联系管理员。" />
        )}
      </Shell>
    )
  }
  return (
    <Shell active="">
      <Result status="404" title="没有这个页面" subTitle="请从左侧菜单选择要办理的事项。" />
    </Shell>
  )
}

function FullPageSpin() {
  return <Spin size="large" tip="正在加载…" fullscreen />
}
