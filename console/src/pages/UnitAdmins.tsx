/**
 * 单位专管员 (管理员): the units on the roster in the admin's region with their member counts and
 * 专管员; appoint a 专管员 for a unit (the answer is a one-time invitation code, shown once, that the
 * 专管员 enters in the mini-program under 首页 → 单位专管员入口 — no WeChat account id is ever shown
 * or typed), and the appointments with their state, expiry and certifications; revoke at once.
 */
import { Alert, Button, DatePicker, Form, Input, Modal, Space, Table, Tag, Typography } from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { useState } from 'react'
import { UNIT_APPOINTMENT_MAX_DAYS, UNIT_INVITE_DAYS, type AppointmentView, type UnitView } from '../../../src/core/contracts/agency/unit-admins'
import { call } from '../api/client'
import { PageHeader } from '../components/PageHeader'
import { useLoad } from '../components/useCall'
import { fmtCount, fmtDateTime } from '../format'
import { regionLabel, useSession } from '../session'

const STATE_COLORS: Record<AppointmentView['state'], string> = { active: 'green', pending: 'blue', revoked: 'default', expired: 'default', invite_expired: 'orange' }

export default function UnitAdmins() {
  const session = useSession()
  const me = session.state === 'signed-in' ? session.user : null
  const [q, setQ] = useState('')
  const units = useLoad(() => call('unitsList', { input: q ? { q } : {} }), [q])
  const appointments = useLoad(() => call('unitAdminsList'), [])
  const [appointing, setAppointing] = useState<UnitView | null>(null)
  const [expiresOn, setExpiresOn] = useState<Dayjs | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [created, setCreated] = useState<{ appointment: AppointmentView; inviteCode: string } | null>(null)

  const reload = () => {
    void units.reload()
    void appointments.reload()
  }
  const appoint = async () => {
    if (!appointing || !expiresOn) return setError('请选择任命到期日期')
    setBusy(true)
    setError(null)
    const res = await call('unitAdminsAppoint', { input: { unitName: appointing.unitName, expiresOn: expiresOn.format('YYYY-MM-DD') } })
    setBusy(false)
    if (!res.ok) return setError(res.message)
    setAppointing(null)
    setCreated(res.value)
    reload()
  }
  const revoke = async (a: AppointmentView) => {
    setError(null)
    const res = await call('unitAdminsRevoke', { params: { appointmentId: a.appointmentId } })
    if (!res.ok) setError(res.message)
    reload()
  }
  const loadError = (units.result && !units.result.ok ? units.result.message : null) ?? (appointments.result && !appointments.result.ok ? appointments.result.message : null)
  const unitRows = units.result?.ok ? units.result.value.units : []
  const appointmentRows = appointments.result?.ok ? appointments.result.value.appointments : []

  return (
    <>
      <PageHeader title="单位专管员" sub={`本辖区（${regionLabel(me?.regionPrefix ?? '')}）名册里的单位。专管员用自己的微信，在小程序里帮本单位的退休人员刷脸认证。`} />
      {(error || loadError) && <Alert type="error" showIcon message={error ?? loadError} style={{ marginBottom: 16 }} />}

      <Typography.Title level={4}>单位</Typography.Title>
      <Space style={{ marginBottom: 12 }}>
        <Input.Search placeholder="按单位名称查找" allowClear onSearch={(v) => setQ(v.trim())} style={{ width: 320 }} aria-label="按单位名称查找" />
      </Space>
      {units.result?.ok && units.result.value.truncated && <Alert type="info" showIcon message="单位太多，只列出人数最多的 500 个，请输入名称查找。" style={{ marginBottom: 12 }} />}
      <Table<UnitView>
        rowKey="unitName"
        loading={units.loading}
        dataSource={unitRows}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: '单位名称', dataIndex: 'unitName' },
          { title: '退休人员', dataIndex: 'members', width: 110, render: fmtCount },
          { title: '在任专管员', dataIndex: 'activeAdmins', width: 110 },
          { title: '待输入邀请码', dataIndex: 'pendingInvites', width: 120 },
          {
            title: '操作',
            key: 'actions',
            width: 140,
            render: (_, u) => (
              <Button
                onClick={() => {
                  setError(null)
                  setExpiresOn(dayjs().add(1, 'year').subtract(1, 'day'))
                  setAppointing(u)
                }}
              >
                任命专管员
              </Button>
            ),
          },
        ]}
      />

      <Typography.Title level={4} style={{ marginTop: 24 }}>
        任命记录
      </Typography.Title>
      <Table<AppointmentView>
        rowKey="appointmentId"
        loading={appointments.loading}
        dataSource={appointmentRows}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: '单位名称', dataIndex: 'unitName' },
          { title: '状态', dataIndex: 'state', width: 150, render: (_, a) => <Tag color={STATE_COLORS[a.state]}>{a.stateLabel}</Tag> },
          { title: '到期', dataIndex: 'expiresOn', width: 110 },
          { title: '已帮认证', dataIndex: 'certified', width: 100 },
          { title: '任命人', dataIndex: 'appointedBy', width: 110 },
          { title: '任命时间', dataIndex: 'appointedAt', width: 160, render: fmtDateTime },
          { title: '撤销时间', dataIndex: 'revokedAt', width: 160, render: fmtDateTime },
          {
            title: '操作',
            key: 'actions',
            width: 100,
            render: (_, a) =>
              a.state === 'active' || a.state === 'pending' ? (
                <Button
                  danger
                  onClick={() =>
                    Modal.confirm({
                      title: `撤销 ${a.unitName} 的这位专管员？`,
                      content: '撤销后马上生效：这部手机不能再看单位名单，也不能再帮任何人认证，正在进行的认证也会失败。',
                      okText: '撤销',
                      okButtonProps: { danger: true },
                      cancelText: '取消',
                      onOk: () => revoke(a),
                    })
                  }
                >
                  撤销
                </Button>
              ) : null,
          },
        ]}
      />

      <Modal title={`任命专管员：${appointing?.unitName ?? ''}`} open={appointing !== null} okText="生成邀请码" cancelText="取消" confirmLoading={busy} onOk={() => void appoint()} onCancel={() => setAppointing(null)} destroyOnHidden>
        <Form layout="vertical">
          <Form.Item label="任命到期日期（含当天）" extra={`最长 ${UNIT_APPOINTMENT_MAX_DAYS} 天；到期后自动失效。`}>
            <DatePicker
              value={expiresOn}
              onChange={(d) => setExpiresOn(d)}
              disabledDate={(d) => d.isBefore(dayjs().add(1, 'day'), 'day') || d.isAfter(dayjs().add(UNIT_APPOINTMENT_MAX_DAYS, 'day'), 'day')}
              allowClear={false}
              aria-label="任命到期日期"
            />
          </Form.Item>
        </Form>
        <Alert type="info" showIcon message={`生成的邀请码只显示一次，${UNIT_INVITE_DAYS} 天内有效，只能用一次。请当面或电话告诉专管员本人。`} />
      </Modal>

      <Modal title="邀请码已生成" open={created !== null} onOk={() => setCreated(null)} onCancel={() => setCreated(null)} okText="我已记下" cancelButtonProps={{ style: { display: 'none' } }}>
        {created && (
          <>
            <Typography.Paragraph>
              单位 <b>{created.appointment.unitName}</b> 的专管员邀请码（任命到 {created.appointment.expiresOn}）：
            </Typography.Paragraph>
            <Typography.Paragraph copyable={{ text: created.inviteCode }} style={{ fontFamily: 'monospace', fontSize: 28, letterSpacing: 4 }} data-testid="invite-code">
              {created.inviteCode}
            </Typography.Paragraph>
            <Alert
              type="warning"
              showIcon
              message="这个邀请码只显示这一次。"
              description={`请专管员打开“银龄认证”小程序，在首页点“单位专管员入口”，输入这 8 位邀请码。${UNIT_INVITE_DAYS} 天内有效，只能用一次。`}
            />
          </>
        )}
      </Modal>
    </>
  )
}
