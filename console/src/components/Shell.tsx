/** The signed-in layout: menu on the left, the user's name, role, region and 退出登录 on top. */
import { LogoutOutlined } from '@ant-design/icons'
import { Button, Layout, Menu, Space, Tag, Typography } from 'antd'
import type { ReactNode } from 'react'
import { AGENCY_ROLE_LABELS } from '../../../src/core/contracts/agency'
import { navigate } from '../router'
import { PAGES } from '../pages/registry'
import { regionLabel, useSession } from '../session'

export function Shell({ active, children }: { active: string; children: ReactNode }) {
  const session = useSession()
  if (session.state !== 'signed-in') return null
  const { user } = session
  const items = PAGES.filter((p) => p.label && (!p.roles || p.roles.includes(user.role))).map((p) => ({ key: p.path, label: p.label }))
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={200} theme="light" style={{ borderRight: '1px solid #e5e7eb' }}>
        <div style={{ padding: '18px 20px', fontSize: 17, fontWeight: 600, lineHeight: 1.4 }}>
          银龄认证
          <div style={{ fontSize: 13, fontWeight: 400, color: '#5c6370' }}>经办机构工作台</div>
        </div>
        <Menu mode="inline" selectedKeys={[active]} items={items} onClick={({ key }) => navigate(key)} style={{ borderInlineEnd: 'none', fontSize: 15 }} />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', borderBottom: '1px solid #e5e7eb', padding: '0 24px', display: 'flex', justifyContent: 'flex-end', alignItems: 'center', height: 56 }}>
          <Space size="middle">
            <Typography.Text strong>{user.displayName}</Typography.Text>
            <Tag color="blue">{AGENCY_ROLE_LABELS[user.role]}</Tag>
            <Typography.Text className="yl-muted">辖区 {regionLabel(user.regionPrefix)}</Typography.Text>
            <Button icon={<LogoutOutlined />} onClick={() => void session.signOut()}>
              退出登录
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>{children}</Layout.Content>
      </Layout>
    </Layout>
  )
}
