/**
 * 账号管理 (管理员): the agency users of the admin's region; create one (its one-time password is
 * shown once, to hand over in person), unlock after too many failures, disable.
 */
import { Alert, Button, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd'
import { useState } from 'react'
import type { AgencyUserView } from '../../../src/core/contracts/agency/auth'
import { AGENCY_ROLE_LABELS, AGENCY_ROLES, type AgencyRole } from '../../../src/core/contracts/agency/define'
import { call } from '../api/client'
import { PageHeader } from '../components/PageHeader'
import { useLoad } from '../components/useCall'
import { fmtDateTime } from '../format'
import { regionLabel, useSession } from '../session'

interface CreateValues {
  username: string
  displayName: string
  role: AgencyRole
  regionPrefix: string
}

export default function Users() {
  const session = useSession()
  const me = session.state === 'signed-in' ? session.user : null
  const list = useLoad(() => call('usersList'), [])
  const [creating, setCreating] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [created, setCreated] = useState<{ user: AgencyUserView; oneTimePassword: string } | null>(null)
  const [form] = Form.useForm<CreateValues>()

  const create = async (v: CreateValues) => {
    setBusy(true)
    setError(null)
    const res = await call('usersCreate', { input: v })
    setBusy(false)
    if (!res.ok) return setError(res.message)
    setCreating(false)
    setCreated(res.value)
    form.resetFields()
    void list.reload()
  }
  const act = async (kind: 'unlock' | 'disable', user: AgencyUserView) => {
    setError(null)
    const res = kind === 'unlock' ? await call('usersUnlock', { params: { userId: user.id } }) : await call('usersDisable', { params: { userId: user.id } })
    if (!res.ok) setError(res.message)
    void list.reload()
  }
  const users = list.result?.ok ? list.result.value.users : []
  const locked = (u: AgencyUserView) => u.lockedUntil !== null && new Date(u.lockedUntil).getTime() > Date.now()
  return (
    <>
      <PageHeader title="账号管理" sub={`本辖区（${regionLabel(me?.regionPrefix ?? '')}）的工作台账号`} extra={<Button type="primary" onClick={() => setCreating(true)}>新建账号</Button>} />
      {(error || (list.result && !list.result.ok)) && <Alert type="error" showIcon message={error ?? (list.result && !list.result.ok ? list.result.message : '')} style={{ marginBottom: 16 }} />}
      <Table<AgencyUserView>
        rowKey="id"
        loading={list.loading}
        dataSource={users}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: '用户名', dataIndex: 'username', width: 140 },
          { title: '姓名', dataIndex: 'displayName', width: 120 },
          { title: '岗位', dataIndex: 'roleLabel', width: 90 },
          { title: '辖区', dataIndex: 'regionPrefix', width: 110, render: regionLabel },
          { title: '动态码', dataIndex: 'totpEnrolled', width: 90, render: (e: boolean, u) => (u.role === 'clerk' ? '不需要' : e ? '已绑定' : <Tag color="orange">未绑定</Tag>) },
          {
            title: '状态',
            key: 'state',
            width: 200,
            render: (_, u) =>
              u.disabled ? <Tag>已停用</Tag> : locked(u) ? <Tag color="red">锁定至 {fmtDateTime(u.lockedUntil)}</Tag> : u.mustChangePassword ? <Tag color="blue">待首次登录改密码</Tag> : <Tag color="green">正常</Tag>,
          },
          { title: '创建时间', dataIndex: 'createdAt', width: 160, render: fmtDateTime },
          {
            title: '操作',
            key: 'actions',
            render: (_, u) => (
              <Space>
                {locked(u) && !u.disabled && <Button onClick={() => void act('unlock', u)}>解锁</Button>}
                {!u.disabled && u.id !== me?.id && (
                  <Button danger onClick={() => Modal.confirm({ title: `停用账号 ${u.username}？`, content: '停用后此账号不能再登录，已登录的会话也会失效。', okText: '停用', okButtonProps: { danger: true }, cancelText: '取消', onOk: () => act('disable', u) })}>
                    停用
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Modal title="新建账号" open={creating} okText="创建" cancelText="取消" confirmLoading={busy} onOk={() => form.submit()} onCancel={() => setCreating(false)} destroyOnHidden>
        <Form<CreateValues> form={form} layout="vertical" initialValues={{ role: 'clerk', regionPrefix: me?.regionPrefix ?? '' }} onFinish={(v) => void create(v)}>
          <Form.Item label="用户名" name="username" extra="3–32 位小写字母、数字、点、横线或下划线" rules={[{ required: true, message: '请填写用户名' }]}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item label="姓名" name="displayName" rules={[{ required: true, whitespace: true, message: '请填写姓名' }]}>
            <Input maxLength={32} />
          </Form.Item>
          <Form.Item label="岗位" name="role" rules={[{ required: true }]}>
            <Select options={AGENCY_ROLES.map((r) => ({ value: r, label: AGENCY_ROLE_LABELS[r] }))} />
          </Form.Item>
          <Form.Item label="辖区（行政区划代码前缀）" name="regionPrefix" extra="只能是您辖区内的代码，例如 430102" rules={[{ pattern: /^\d{0,12}$/, message: '只能填数字' }]}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
      <Modal title="账号已创建" open={created !== null} onOk={() => setCreated(null)} onCancel={() => setCreated(null)} okText="我已记下" cancelButtonProps={{ style: { display: 'none' } }}>
        {created && (
          <>
            <Typography.Paragraph>
              账号 <b>{created.user.username}</b>（{created.user.displayName}，{created.user.roleLabel}）的一次性密码：
            </Typography.Paragraph>
            <Typography.Paragraph copyable style={{ fontFamily: 'monospace', fontSize: 22 }}>
              {created.oneTimePassword}
            </Typography.Paragraph>
            <Alert type="warning" showIcon message="这个密码只显示这一次。请当面交给本人；首次登录时必须改成自己的密码。" />
          </>
        )}
      </Modal>
    </>
  )
}
