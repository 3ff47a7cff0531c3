/**
 * 死亡信息待核实 (part of 静默认证, 管理员): the region's persons flagged by a death or 殡葬 signal (or a
 * life signal after one). While flagged, a face certification never passes by itself. 核实健在 closes a
 * flag once the agency has seen the person alive; payment resumes when the person certifies.
 */
import { Alert, Button, Card, Form, Modal, Radio, Table, Tag, Typography } from 'antd'
import { useState } from 'react'
import { OFFLINE_VERIFIED_HOW, OFFLINE_VERIFIED_HOW_LABELS, type OfflineVerifiedHow } from '../../../src/core/contracts/agency/offline'
import type { SignalReviewItem } from '../../../src/core/contracts/agency/signals'
import { call } from '../api/client'
import { useLoad } from '../components/useCall'
import { fmtCount, fmtDate, fmtDateTime } from '../format'
import { navigate } from '../router'

const who = (f: SignalReviewItem) => `${f.maskedName}（${f.personNo}）`

export function SignalFlags() {
  const { result, loading, reload } = useLoad(() => call('signalReviews'), [])
  const [closing, setClosing] = useState<SignalReviewItem | null>(null)
  const [busy, setBusy] = useState(false)
  const [notice, setNotice] = useState<{ type: 'success' | 'error'; text: string } | null>(null)
  const [form] = Form.useForm<{ verifiedHow: OfflineVerifiedHow }>()
  const flags = result?.ok ? result.value : null

  const close = async (flag: SignalReviewItem, verifiedHow: OfflineVerifiedHow) => {
    setBusy(true)
    const res = await call('signalReviewClose', { params: { reviewId: flag.reviewId }, input: { verifiedHow } })
    setBusy(false)
    setClosing(null)
    setNotice(res.ok ? { type: 'success', text: `已解除 ${who(flag)} 的死亡信息标记。此人完成认证（刷脸或线下认证登记）后恢复发放。` } : { type: 'error', text: res.message })
    void reload()
  }

  return (
    <Card
      title={`死亡信息待核实${flags ? `（${fmtCount(flags.openTotal)} 人）` : ''}`}
      extra={<Button onClick={() => void reload()}>刷新</Button>}
      style={{ marginTop: 16 }}
      data-testid="signal-flags"
    >
      <Typography.Paragraph className="yl-muted">
        这些人有殡葬、死亡登记等信息，待遇已暂停。核实之前，他们的刷脸认证即使通过，也一律转人工审核。经当面、视频或入户确认本人健在后，点“核实健在”解除标记。“此后的认证”列出信息日期之后通过的认证（人工审核通过的刷脸认证、线下认证登记），可作为核实的线索。确认已死亡的，请在待遇系统中办理，这里不用操作。
      </Typography.Paragraph>
      {result && !result.ok && <Alert type="error" showIcon message={result.message} style={{ marginBottom: 16 }} />}
      {flags && flags.openTotal > flags.items.length && (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} message={`共 ${fmtCount(flags.openTotal)} 人，这里先列出标记最早的 ${fmtCount(flags.items.length)} 人；处理后刷新可看到后面的人。`} />
      )}
      {notice && <Alert type={notice.type} showIcon message={notice.text} style={{ marginBottom: 16 }} data-testid="signal-flags-notice" closable onClose={() => setNotice(null)} />}
      <Table<SignalReviewItem>
        rowKey="reviewId"
        loading={loading}
        dataSource={flags?.items ?? []}
        pagination={false}
        locale={{ emptyText: '没有待核实的死亡信息' }}
        columns={[
          {
            title: '姓名',
            dataIndex: 'maskedName',
            width: 200,
            render: (_, f) => (
              <a href={`/agency/persons/${f.personId}`} onClick={(e) => { e.preventDefault(); navigate(`/persons/${f.personId}`) }}>
                {who(f)}
              </a>
            ),
          },
          { title: '类型', dataIndex: 'reasonLabel', width: 170, render: (label: string, f) => <Tag color={f.reason === 'death' ? 'orange' : 'gold'}>{label}</Tag> },
          { title: '来源', dataIndex: 'sourceLabel', width: 100 },
          { title: '信息日期', dataIndex: 'occurredOn', width: 120 },
          { title: '标记时间', dataIndex: 'flaggedAt', width: 170, render: fmtDateTime },
          {
            title: '此后的认证',
            dataIndex: 'passedSince',
            width: 190,
            render: (p: SignalReviewItem['passedSince'], f) =>
              p ? <Tag color="green" data-testid={`signal-flag-passed-${f.personNo}`}>{`${fmtDate(p.certifiedAt)} ${p.methodLabel}通过`}</Tag> : <span className="yl-muted">无</span>,
          },
          {
            title: '',
            key: 'close',
            width: 130,
            render: (_, f) => (
              <Button onClick={() => { form.resetFields(); setClosing(f) }} data-testid={`signal-flag-close-${f.personNo}`}>
                核实健在
              </Button>
            ),
          },
        ]}
      />
      <Modal
        title={closing ? `核实健在：${who(closing)}` : ''}
        open={closing !== null}
        okText="确认解除标记"
        okButtonProps={{ loading: busy }}
        cancelText="取消"
        onCancel={() => setClosing(null)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Typography.Paragraph>解除后，此人的刷脸认证可以自动通过。待遇在此人完成认证后恢复发放；已当面核实的，可以同时在“线下认证登记”中登记。</Typography.Paragraph>
        <Form form={form} layout="vertical" onFinish={(v) => closing && void close(closing, v.verifiedHow)}>
          <Form.Item label="怎样确认本人健在" name="verifiedHow" rules={[{ required: true, message: '请选择核实方式' }]}>
            <Radio.Group options={OFFLINE_VERIFIED_HOW.map((h) => ({ value: h, label: OFFLINE_VERIFIED_HOW_LABELS[h] }))} optionType="button" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  )
}
