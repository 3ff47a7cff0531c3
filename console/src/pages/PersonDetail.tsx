/**
 * One person's page: full details (the backend audits this read), standing, certification history
 * (who, channel, verifier outcome, review decision), linked relatives, sessions, reminders sent.
 * The only console page that shows a full ID number.
 */
import { Alert, Button, Card, Descriptions, Result, Table, Tabs, Tag } from 'antd'
import type { PersonDetail as Detail } from '../../../src/core/contracts/agency/persons'
import { call } from '../api/client'
import { PageHeader } from '../components/PageHeader'
import { useLoad } from '../components/useCall'
import { fmtDate, fmtDateTime, fmtDueMonth } from '../format'
import { navigate } from '../router'
import type { PageProps } from './registry'

type History = Detail['history'][number]
type Session = Detail['sessions'][number]
type Reminder = Detail['reminders'][number]

const STATUS_COLOR: Record<string, string> = { certified: 'green', due: 'orange', overdue_suspended: 'red' }
/** A cancelled session (the person left) is grey, a refused one orange: never the same tag. */
const SESSION_STATE_COLOR: Record<Session['state'], string> = { open: 'blue', expired: 'default', completed: 'green', failed: 'red', cancelled: 'default', refused: 'orange' }
const MONTH = /^\d{4}-\d{2}$/
const REMINDER_STATUS_COLOR: Record<string, string> = {
  pending: 'blue',
  claimed: 'blue',
  attempted: 'gold',
  sent: 'green',
  refused: 'orange',
  invalid: 'red',
  failed: 'red',
  unknown: 'gold',
  skipped_no_credit: 'orange',
}

export default function PersonDetail({ params }: PageProps) {
  const { result, loading } = useLoad(() => call('personDetail', { params: { personId: params.personId } }), [params.personId])
  if (loading && !result) return <Card loading />
  if (!result) return null
  if (!result.ok) return <Result status="warning" title={result.message} extra={<Button onClick={() => navigate('/persons')}>返回人员查询</Button>} />
  const { person, standing, history, relatives, sessions, reminders } = result.value
  return (
    <>
      <PageHeader title={`${person.name}（${person.personNo}）`} sub="本页显示完整个人信息，您的查看已记入审计日志。" extra={<Button onClick={() => window.history.back()}>返回</Button>} />
      {person.deathReport && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="person-death-report"
          message={`此人有未核实的死亡信息（来源：${person.deathReport.sourceLabel}，日期：${person.deathReport.occurredOn}）`}
          description="由管理员在“静默认证”中核实。核实之前，此人的刷脸认证即使通过，也一律转人工审核。"
        />
      )}
      <Card style={{ marginBottom: 16 }}>
        <Descriptions column={3} size="middle" data-testid="person-details">
          <Descriptions.Item label="姓名">{person.name}</Descriptions.Item>
          <Descriptions.Item label="身份证号">
            <span className="yl-mono">{person.idNumber}</span>
          </Descriptions.Item>
          <Descriptions.Item label="社保卡号">{person.cardNumber}</Descriptions.Item>
          <Descriptions.Item label="险种">{person.insuranceLabel}</Descriptions.Item>
          <Descriptions.Item label="行政区划">{person.regionCode}</Descriptions.Item>
          <Descriptions.Item label="原单位">{person.employer || '—'}</Descriptions.Item>
          <Descriptions.Item label="认证状态">
            <Tag color={STATUS_COLOR[standing.status] ?? 'default'} data-testid="person-standing">
              {standing.statusLabel}
            </Tag>
          </Descriptions.Item>
          <Descriptions.Item label="下次认证">{`${fmtDueMonth(standing.nextDueDate)}（最晚 ${standing.nextDueDeadlineLabel}）`}</Descriptions.Item>
          <Descriptions.Item label="待遇发放">{person.benefitStatus === 'suspended' ? <Tag color="red">暂停发放（{fmtDate(person.suspendedSince)} 起）</Tag> : '正常发放'}</Descriptions.Item>
          <Descriptions.Item label="上次认证">{fmtDate(person.lastCertifiedOn)}</Descriptions.Item>
          <Descriptions.Item label="参保登记">{fmtDate(person.enrolledOn)}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card>
        <Tabs
          items={[
            {
              key: 'history',
              label: `认证记录（${history.length}）`,
              children: (
                <Table<History>
                  rowKey="recordId"
                  dataSource={history}
                  pagination={{ pageSize: 10, hideOnSinglePage: true }}
                  locale={{ emptyText: '没有认证记录' }}
                  columns={[
                    { title: '时间', dataIndex: 'certifiedAt', width: 160, render: fmtDateTime },
                    { title: '结果', dataIndex: 'resultLabel', width: 100, render: (l: string, h) => <Tag color={h.result === 'passed' ? 'green' : h.result === 'failed' ? 'red' : 'orange'}>{l}</Tag> },
                    { title: '方式', key: 'how', width: 180, render: (_, h) => `${h.methodLabel} · ${h.channelLabel}` },
                    { title: '办理人', key: 'who', width: 150, render: (_, h) => (h.performerDetail ? `${h.performerLabel}（${h.performerDetail}）` : h.performerLabel) },
                    { title: '核验结果', dataIndex: 'verifierOutcome', render: (o: string | null) => o ?? '—' },
                    {
                      title: '审核 / 线下登记',
                      key: 'decision',
                      render: (_, h) =>
                        h.decision
                          ? `${h.decision.decidedBy} ${fmtDateTime(h.decision.decidedAt)}${h.decision.reasonLabel ? `：${h.decision.reasonLabel}` : ''}${h.decision.note ? `（${h.decision.note}）` : ''}`
                          : h.offline
                            ? [h.offline.place, h.offline.verifiedHowLabel].filter(Boolean).join('，')
                            : '—',
                    },
                  ]}
                />
              ),
            },
            {
              key: 'relatives',
              label: `绑定家属（${relatives.length}）`,
              children: (
                <Table
                  rowKey={(r) => `${r.account}-${r.linkedAt}`}
                  dataSource={relatives}
                  pagination={false}
                  locale={{ emptyText: '没有绑定的家属' }}
                  columns={[
                    { title: '关系', dataIndex: 'relationLabel', width: 120 },
                    { title: '账号', dataIndex: 'account' },
                    { title: '绑定时间', dataIndex: 'linkedAt', width: 180, render: fmtDateTime },
                  ]}
                />
              ),
            },
            {
              key: 'sessions',
              label: `刷脸过程（${sessions.length}）`,
              children: (
                <div data-testid="person-sessions">
                  <Table<Session>
                    rowKey="sessionId"
                    dataSource={sessions}
                    pagination={{ pageSize: 10, hideOnSinglePage: true }}
                    locale={{ emptyText: '没有刷脸记录' }}
                    columns={[
                      { title: '开始时间', dataIndex: 'createdAt', width: 160, render: fmtDateTime },
                      { title: '状态', dataIndex: 'statusLabel', width: 100, render: (l: string, s) => <Tag color={SESSION_STATE_COLOR[s.state] ?? 'default'}>{l}</Tag> },
                      { title: '渠道', dataIndex: 'channelLabel', width: 120 },
                      { title: '办理人', dataIndex: 'performerLabel', width: 110 },
                      { title: '核验方式', dataIndex: 'identityKindLabel', width: 130 },
                      { title: '原因', dataIndex: 'reasonLabel', render: (r: string | null) => r ?? '—' },
                    ]}
                  />
                </div>
              ),
            },
            {
              key: 'reminders',
              label: `提醒（${reminders.length}）`,
              children: (
                <div data-testid="person-reminders">
                  <Table<Reminder>
                    rowKey={(r) => `${r.kind}-${r.cycle}-${r.relation}-${r.createdAt}`}
                    dataSource={reminders}
                    pagination={{ pageSize: 10, hideOnSinglePage: true }}
                    locale={{ emptyText: '没有发送过提醒' }}
                    columns={[
                      { title: '时间', dataIndex: 'createdAt', width: 160, render: fmtDateTime },
                      { title: '类型', dataIndex: 'kindLabel', width: 170 },
                      // A due month for the due and overdue reminders; a result notice's cycle is a record id, not for reading.
                      { title: '认证月份', dataIndex: 'cycle', width: 130, render: (c: string) => (MONTH.test(c) ? fmtDueMonth(c) : '—') },
                      { title: '发给', dataIndex: 'relationLabel', width: 80 },
                      { title: '状态', dataIndex: 'statusLabel', render: (l: string, r) => <Tag color={REMINDER_STATUS_COLOR[r.status] ?? 'default'}>{l}</Tag> },
                      { title: '发送次数', dataIndex: 'attempts', width: 100 },
                      { title: '完成时间', dataIndex: 'doneAt', width: 160, render: fmtDateTime },
                    ]}
                  />
                </div>
              ),
            },
          ]}
        />
      </Card>
      {standing.status === 'overdue_suspended' && <Alert style={{ marginTop: 16 }} type="warning" showIcon message={`${standing.suspendedBy === 'agency' ? '此人的待遇已由机构暂停发放（未到认证期限）' : '此人已逾期未认证'}。办理了线下认证后，请在“线下认证登记”里登记。`} action={<Button onClick={() => navigate('/offline')}>去登记</Button>} />}
    </>
  )
}
