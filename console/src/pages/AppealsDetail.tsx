/**
 * One appeal: who, why, the contact phone and address in full (this read is audited), its state;
 * 指派给我, 安排上门 (date, staff), and 办结: certified offline (上门 or 窗口 — the record goes through
 * the one certification path) or not certified with a reason the person will read.
 */
import { Alert, Button, Card, DatePicker, Descriptions, Form, Input, Radio, Result, Select, Space } from 'antd'
import dayjs from 'dayjs'
import { useState } from 'react'
import type { AppealDetail } from '../../../src/core/contracts/agency/appeals'
import { call, type ApiResult } from '../api/client'
import { PageHeader } from '../components/PageHeader'
import { useLoad } from '../components/useCall'
import { fmtDateTime } from '../format'
import { useSession } from '../session'
import { navigate } from '../router'
import type { PageProps } from './registry'
import { slaTag } from './Appeals'

const OPEN = ['submitted', 'processing', 'visit_scheduled']

export default function AppealsDetail({ params }: PageProps) {
  const appealId = params.appealId
  const session = useSession()
  const { result, loading, reload } = useLoad(() => call('appealDetail', { params: { appealId } }), [appealId])
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)
  // Buttons are disabled while a step runs, not given antd's loading icon: its leave animation never
  // ends in a page that is not being painted (a background tab), and nothing here takes long.
  const [busy, setBusy] = useState(false)
  const [visit] = Form.useForm<{ date: dayjs.Dayjs; staff: string }>()
  const [close] = Form.useForm<{ outcome: 'certified' | 'not_certified'; method?: 'home_visit' | 'counter'; reason?: string }>()
  const outcome = Form.useWatch('outcome', close)
  const assignees = useLoad(() => call('appealAssignees', { params: { appealId } }), [appealId])
  const [assignee, setAssignee] = useState<string | undefined>(undefined)

  if (loading && !result) return <Card loading />
  if (!result) return null
  if (!result.ok) return <Result status="warning" title={result.message} extra={<Button onClick={() => navigate('/appeals')}>返回申诉列表</Button>} />
  const a = result.value
  const open = OPEN.includes(a.state)

  const act = async (run: () => Promise<ApiResult<AppealDetail>>, done: string) => {
    setBusy(true)
    const r = await run()
    setBusy(false)
    setMessage(r.ok ? { ok: true, text: done } : { ok: false, text: r.message })
    void reload()
  }
  const me = session.state === 'signed-in' ? session.user.id : null

  return (
    <>
      <PageHeader title="办理申诉" sub={`${a.nameMasked}（${a.personNo}） · ${a.kindLabel} · ${a.stateLabel}`} extra={<Button onClick={() => navigate('/appeals')}>返回申诉列表</Button>} />
      {message && <Alert type={message.ok ? 'success' : 'error'} showIcon message={message.text} style={{ marginBottom: 16 }} data-testid="appeal-message" />}
      <Card title="申诉内容" style={{ marginBottom: 16 }}>
        <Descriptions column={2} bordered size="middle">
          <Descriptions.Item label="类型">{a.kindLabel}</Descriptions.Item>
          <Descriptions.Item label="状态">
            <span data-testid="appeal-state">{a.stateLabel}</span>
            {a.visitDate ? `（${a.visitDate}，${a.visitStaff ?? ''}）` : ''}
          </Descriptions.Item>
          <Descriptions.Item label="原因">{a.reasonLabel}{a.note ? `：${a.note}` : ''}</Descriptions.Item>
          <Descriptions.Item label="提交人">{a.filedFor === 'relative' ? '家属代为申请' : '本人'}</Descriptions.Item>
          <Descriptions.Item label="联系电话">
            <span className="yl-mono">{a.phone}</span>
          </Descriptions.Item>
          <Descriptions.Item label="上门地址">{a.address ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="提交时间">{fmtDateTime(a.filedAt)}</Descriptions.Item>
          <Descriptions.Item label="办理时限">
            {a.dueOn} {slaTag(a)}
          </Descriptions.Item>
          <Descriptions.Item label="经办人">{a.assignedName ?? '未指派'}</Descriptions.Item>
          <Descriptions.Item label="办理结果">
            {a.outcome === 'certified' ? '已线下认证' : a.outcome === 'not_certified' ? `未通过：${a.rejectReason ?? ''}` : '—'}
          </Descriptions.Item>
        </Descriptions>
        <p className="yl-muted" style={{ marginTop: 8 }}>
          查看联系电话和地址已记录在操作日志中。
        </p>
      </Card>

      {open && (
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          {(a.state === 'submitted' || a.state === 'processing') && (
            <Card title="指派">
              <Space wrap>
                {me && a.assignedTo !== me ? (
                  <Button disabled={busy} onClick={() => void act(() => call('appealAssign', { params: { appealId }, input: { assigneeId: me } }), '已指派给您，状态：处理中')} data-testid="appeal-assign-me">
                    指派给我
                  </Button>
                ) : null}
                <Select
                  style={{ minWidth: 240 }}
                  placeholder="选择本辖区的经办人员"
                  value={assignee}
                  onChange={setAssignee}
                  options={(assignees.result?.ok ? assignees.result.value.assignees : []).map((u) => ({ value: u.id, label: `${u.displayName}（${u.roleLabel}，${u.regionPrefix || '全部地区'}）` }))}
                  data-testid="appeal-assignee"
                />
                <Button
                  disabled={!assignee || busy}
                  onClick={() => assignee && void act(() => call('appealAssign', { params: { appealId }, input: { assigneeId: assignee } }), '已指派，状态：处理中')}
                  data-testid="appeal-assign"
                >
                  指派
                </Button>
              </Space>
            </Card>
          )}
          <Card title={a.state === 'visit_scheduled' ? '改期上门' : '安排上门'}>
            <Form
              form={visit}
              layout="inline"
              onFinish={(v) => void act(() => call('appealSchedule', { params: { appealId }, input: { visitDate: v.date.format('YYYY-MM-DD'), staff: v.staff } }), '已安排上门，本人和家属会收到通知')}
            >
              <Form.Item name="date" label="上门日期" rules={[{ required: true, message: '请选择上门日期' }]}>
                <DatePicker disabledDate={(d) => d.isBefore(dayjs(), 'day')} data-testid="appeal-visit-date" />
              </Form.Item>
              <Form.Item name="staff" label="上门人员" rules={[{ required: true, whitespace: true, message: '请填写上门人员' }]}>
                <Input maxLength={50} data-testid="appeal-visit-staff" />
              </Form.Item>
              <Button type="primary" htmlType="submit" disabled={busy} data-testid="appeal-schedule">
                安排
              </Button>
            </Form>
          </Card>
          <Card title="办结">
            <Form
              form={close}
              layout="vertical"
              initialValues={{ outcome: 'certified', method: a.kind === 'home_visit' ? 'home_visit' : 'counter' }}
              onFinish={(v) =>
                void act(
                  () => call('appealClose', { params: { appealId }, input: v.outcome === 'certified' ? { outcome: 'certified', method: v.method } : { outcome: 'not_certified', reason: v.reason } }),
                  v.outcome === 'certified' ? '已办结：已线下认证，认证记录已生成' : '已办结：未通过，本人和家属会看到原因',
                )
              }
            >
              <Form.Item name="outcome" label="结果">
                <Radio.Group data-testid="appeal-outcome">
                  <Radio value="certified">已线下认证</Radio>
                  <Radio value="not_certified">未通过</Radio>
                </Radio.Group>
              </Form.Item>
              {outcome !== 'not_certified' ? (
                <Form.Item name="method" label="认证方式">
                  <Radio.Group>
                    <Radio value="home_visit">上门</Radio>
                    <Radio value="counter">窗口</Radio>
                  </Radio.Group>
                </Form.Item>
              ) : (
                <Form.Item name="reason" label="原因（本人会看到）" rules={[{ required: true, whitespace: true, message: '请填写原因' }]}>
                  <Input.TextArea maxLength={100} showCount data-testid="appeal-reason" />
                </Form.Item>
              )}
              <Button type="primary" htmlType="submit" disabled={busy} data-testid="appeal-close">
                办结
              </Button>
            </Form>
          </Card>
        </Space>
      )}
    </>
  )
}
