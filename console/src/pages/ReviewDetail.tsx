/**
 * One record to review: who, when, how; the enrolled reference photo beside the evidence frames
 * (each when the deployment keeps them) and the liveness verdict; approve, or reject with a reason
 * from the list and a note. A record someone else decided first says so plainly, with who and when.
 */
import { Alert, Button, Card, Col, Descriptions, Empty, Form, Image, Input, Modal, Radio, Result, Row, Space, Tag, Typography } from 'antd'
import { useState } from 'react'
import { REVIEW_NOTE_MAX, REVIEW_REJECT_REASON_LABELS, REVIEW_REJECT_REASONS, type DecisionAnswer, type ReviewDetail as Detail, type ReviewRejectReason } from '../../../src/core/contracts/agency/review'
import type { ActionName } from '../../../src/core/liveness/types'
import { call } from '../api/client'
import { PageHeader } from '../components/PageHeader'
import { useLoad } from '../components/useCall'
import { fmtDate, fmtDateTime, fmtDueMonth } from '../format'
import type { PageProps } from './registry'
import { Link, navigate } from '../router'

/** The challenge's actions as the person was asked them (src/core/liveness/session/texts.ts). */
const ACTIONS: Record<ActionName, string> = { blink: '眨眼', mouth_open: '张嘴', turn_left: '向左转头', turn_right: '向右转头', head_up: '抬头', head_down: '低头' }

export default function ReviewDetail({ params }: PageProps) {
  const recordId = params.recordId
  const { result, loading, reload } = useLoad(() => call('reviewDetail', { params: { recordId } }), [recordId])
  const [done, setDone] = useState<DecisionAnswer | null>(null)
  const [refused, setRefused] = useState<string | null>(null)

  if (loading && !result) return <Card loading />
  if (!result) return null
  if (!result.ok) return <Result status="warning" title={result.message} extra={<Button onClick={() => navigate('/reviews')}>返回审核列表</Button>} />
  const d = result.value

  const decided = (answer: DecisionAnswer) => {
    setDone(answer)
    window.scrollTo(0, 0)
    void reload()
  }
  const failed = (message: string) => {
    setRefused(message)
    void reload()
  }
  return (
    <>
      <PageHeader title="审核认证" sub={`${d.person.maskedName}（${d.person.personNo}） · ${fmtDateTime(d.record.certifiedAt)} · 已等待 ${d.record.waitingDays} 天`} extra={<Button onClick={() => navigate('/reviews')}>返回审核列表</Button>} />
      {done && (
        <Alert
          type={done.result === 'passed' ? 'success' : 'warning'}
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="review-done"
          message={done.result === 'passed' ? `已审核通过。下次认证：${fmtDueMonth(done.nextDueDate)}` : `已审核不通过（${done.resultLabel}），本人和绑定的家属会收到通知。`}
          action={<Button type="primary" onClick={() => navigate('/reviews')}>审核下一条</Button>}
        />
      )}
      {refused && <Alert type="error" showIcon style={{ marginBottom: 16 }} message={refused} data-testid="review-refused" />}
      {!d.record.decision && d.person.deathReportOpen && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="review-death-report"
          message="此人有未核实的死亡信息"
          description="刷脸已通过，但可能是他人冒领。请先确认做认证的是本人（电话联系或安排上门），再作决定。确认本人健在的，请告诉管理员在“静默认证”中解除标记，以后的认证就不用再转人工。"
        />
      )}
      <Row gutter={16}>
        <Col span={14}>
          <Card title="活体检测与核验" style={{ marginBottom: 16 }}>
            {d.session ? (
              <Descriptions column={1} bordered size="middle" styles={{ label: { whiteSpace: 'nowrap' } }}>
                <Descriptions.Item label="活体检测结论">
                  {d.session.liveness.passed === null ? '无结论' : d.session.liveness.passed ? <Tag color="green">通过</Tag> : <Tag color="red">未通过</Tag>}
                  <span data-testid="liveness-summary">{d.session.liveness.summary}</span>
                </Descriptions.Item>
                <Descriptions.Item label="转人工原因">
                  <span data-testid="review-reason">{d.session.reasonLabel ?? '—'}</span>
                </Descriptions.Item>
                <Descriptions.Item label="人脸相似度">{d.session.liveness.identityScore === null ? '—' : d.session.liveness.identityScore.toFixed(2)}</Descriptions.Item>
                <Descriptions.Item label="动作">{d.session.challenge.map((a) => ACTIONS[a as ActionName] ?? a).join('、') || '—'}</Descriptions.Item>
                <Descriptions.Item label="开始 / 完成">{`${fmtDateTime(d.session.createdAt)} / ${fmtDateTime(d.session.completedAt)}`}</Descriptions.Item>
              </Descriptions>
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="这条认证没有对应的刷脸过程" />
            )}
          </Card>
          <Card title="照片比对">
            <Row gutter={16}>
              <Col span={12}>
                <Typography.Title level={5}>登记的参考照片</Typography.Title>
                {d.reference.photo ? <Image src={d.reference.photo} alt="参考照片" width="100%" /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={d.reference.note} />}
                <Typography.Paragraph className="yl-muted" style={{ marginTop: 8 }}>
                  {d.reference.enrolled ? `已登记人脸特征（${fmtDate(d.reference.enrolledAt)}）` : '未登记人脸特征'}
                </Typography.Paragraph>
              </Col>
              <Col span={12}>
                <Typography.Title level={5}>本次认证的画面</Typography.Title>
                {d.evidence.frames.length > 0 ? (
                  <Image.PreviewGroup>
                    <Space wrap>{d.evidence.frames.map((f, i) => <Image key={i} src={f} width={120} alt={`认证画面 ${i + 1}`} />)}</Space>
                  </Image.PreviewGroup>
                ) : (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={d.evidence.note} />
                )}
              </Col>
            </Row>
          </Card>
        </Col>
        <Col span={10}>
          <Card title="审核决定" style={{ marginBottom: 16 }}>
            {d.record.decision ? (
              <Alert
                type="info"
                showIcon
                data-testid="review-decided"
                message={`已由 ${d.record.decision.decidedBy} 于 ${fmtDateTime(d.record.decision.decidedAt)} 审核：${d.record.resultLabel}`}
                description={[d.record.decision.reasonLabel, d.record.decision.note].filter(Boolean).join('；') || undefined}
              />
            ) : d.record.result !== 'pending_review' ? (
              <Alert type="info" showIcon message={`这条认证不在待审核状态（${d.record.resultLabel}）`} />
            ) : (
              <Decide recordId={recordId} deathReportOpen={d.person.deathReportOpen} onDone={decided} onRefused={failed} />
            )}
          </Card>
          <Card title="人员与认证">
            <Descriptions column={1} size="middle">
              <Descriptions.Item label="姓名">{d.person.maskedName}</Descriptions.Item>
              <Descriptions.Item label="个人编号">{d.person.personNo}</Descriptions.Item>
              <Descriptions.Item label="身份证号">{d.person.maskedIdNumber}</Descriptions.Item>
              <Descriptions.Item label="险种">{d.person.insuranceLabel}</Descriptions.Item>
              <Descriptions.Item label="待遇状态">{d.person.benefitStatus === 'suspended' ? <Tag color="red">暂停发放</Tag> : '正常发放'}</Descriptions.Item>
              <Descriptions.Item label="认证方式">{`${d.record.methodLabel} · ${d.record.channelLabel}`}</Descriptions.Item>
              <Descriptions.Item label="办理人">{d.record.performerRelation ? `${d.record.performerLabel}（${d.record.performerRelation}）` : d.record.performerLabel}</Descriptions.Item>
              <Descriptions.Item label="当前结果">{d.record.resultLabel}</Descriptions.Item>
            </Descriptions>
            <Link to={`/persons/${d.person.personId}`}>查看人员详情</Link>
          </Card>
        </Col>
      </Row>
    </>
  )
}

function Decide({ recordId, deathReportOpen, onDone, onRefused }: { recordId: string; deathReportOpen: boolean; onDone: (a: DecisionAnswer) => void; onRefused: (message: string) => void }) {
  const [busy, setBusy] = useState(false)
  const [rejecting, setRejecting] = useState(false)
  const [form] = Form.useForm<{ reason: ReviewRejectReason; note?: string }>()
  const [approveNote, setApproveNote] = useState('')

  const approve = () =>
    Modal.confirm({
      title: '确认审核通过？',
      content: deathReportOpen
        ? '此人有未核实的死亡信息。只有确认做认证的是本人时才能通过；通过后本年度认证完成，如已暂停发放，将恢复发放。'
        : '通过后，这位人员本年度认证完成，下次认证日期随之顺延；如已暂停发放，将恢复发放。',
      okText: '确认通过',
      cancelText: '再看看',
      onOk: async () => {
        setBusy(true)
        const res = await call('reviewApprove', { params: { recordId }, input: { note: approveNote.trim() || undefined } })
        setBusy(false)
        if (res.ok) onDone(res.value)
        else onRefused(res.message)
      },
    })
  const reject = async (v: { reason: ReviewRejectReason; note?: string }) => {
    setBusy(true)
    const res = await call('reviewReject', { params: { recordId }, input: { reason: v.reason, note: v.note?.trim() || undefined } })
    setBusy(false)
    setRejecting(false)
    if (res.ok) onDone(res.value)
    else onRefused(res.message)
  }
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Input.TextArea placeholder="备注（可不填）" maxLength={REVIEW_NOTE_MAX} showCount value={approveNote} onChange={(e) => setApproveNote(e.target.value)} rows={2} />
      <Space size="middle">
        <Button type="primary" size="large" loading={busy} onClick={approve} data-testid="review-approve">
          审核通过
        </Button>
        <Button danger size="large" disabled={busy} onClick={() => setRejecting(true)} data-testid="review-reject">
          不通过
        </Button>
      </Space>
      <Modal title="审核不通过" open={rejecting} okText="确认不通过" okButtonProps={{ danger: true, loading: busy }} cancelText="取消" onCancel={() => setRejecting(false)} onOk={() => form.submit()} destroyOnHidden>
        <Typography.Paragraph>本人和绑定的家属会收到通知：请重新刷脸认证或到社保经办机构办理。</Typography.Paragraph>
        <Form form={form} layout="vertical" onFinish={(v) => void reject(v)}>
          <Form.Item label="原因" name="reason" rules={[{ required: true, message: '请选择不通过的原因' }]}>
            <Radio.Group options={REVIEW_REJECT_REASONS.map((r) => ({ value: r, label: REVIEW_REJECT_REASON_LABELS[r] }))} optionType="button" />
          </Form.Item>
          <Form.Item
            label="说明"
            name="note"
            dependencies={['reason']}
            rules={[({ getFieldValue }) => ({ validator: (_, value) => (getFieldValue('reason') === 'other' && !String(value ?? '').trim() ? Promise.reject(new Error('选择“其他”时请填写说明')) : Promise.resolve()) })]}
          >
            <Input.TextArea rows={3} maxLength={REVIEW_NOTE_MAX} showCount />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  )
}
