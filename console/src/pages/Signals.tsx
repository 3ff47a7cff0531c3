/**
 * 静默认证（数据比对）(管理员): upload another department's signals CSV (个人编号 or 身份证号, 来源,
 * 发生日期; UTF-8, UTF-8 with BOM or GBK) with a progress bar. The backend checks every row first —
 * persons outside your region are row errors — and imports nothing while any row is wrong; a clean file
 * is imported on 确认导入, which applies the policy: qualifying persons pass by data comparison, a death
 * or 殡葬 signal suspends payment and flags the person for review (never a pass).
 */
import { InboxOutlined } from '@ant-design/icons'
import { Alert, Button, Card, Descriptions, Progress, Result, Space, Table, Tag, Upload } from 'antd'
import { useEffect, useRef, useState } from 'react'
import { SIGNALS_UPLOAD_MAX_BYTES, type SignalsUploadView } from '../../../src/core/contracts/agency/signals'
import { call, saveFile, upload } from '../api/client'
import { PageHeader } from '../components/PageHeader'
import { fmtCount } from '../format'
import { useSession } from '../session'

const POLL_MS = 700
const STATUS_LABEL: Record<SignalsUploadView['status'], JSX.Element> = {
  staged: <Tag color="processing">处理中</Tag>,
  validated: <Tag color="blue">检查通过，待确认</Tag>,
  failed: <Tag color="red">有错误，未导入</Tag>,
  imported: <Tag color="green">已导入</Tag>,
}

export default function Signals() {
  const session = useSession()
  if (session.state !== 'signed-in' || session.user.role !== 'admin') return <Result status="403" title="静默认证需要管理员岗位" subTitle="一次导入会让许多人通过认证，死亡信号会暂停发放，只有管理员可以操作。" />
  return <SignalsPage />
}

function SignalsPage() {
  const [sent, setSent] = useState<number | null>(null)
  const [view, setView] = useState<SignalsUploadView | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [confirming, setConfirming] = useState(false)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), [])

  const follow = (v: SignalsUploadView) => {
    setView(v)
    if (v.status !== 'staged') return
    timer.current = setTimeout(async () => {
      const res = await call('signalsUploadStatus', { params: { uploadId: v.uploadId } })
      if (!res.ok) return setError(res.message)
      follow(res.value)
    }, POLL_MS)
  }
  const send = async (file: File) => {
    setError(null)
    setView(null)
    if (file.size > SIGNALS_UPLOAD_MAX_BYTES) return setError('文件太大（最大 50 MB），请分成几个文件上传')
    setSent(0)
    const res = await upload('signalsUploadCreate', file, { onProgress: (s, t) => setSent(Math.floor((s / Math.max(t, 1)) * 100)) })
    setSent(null)
    if (!res.ok) return setError(res.message)
    follow(res.value)
  }
  const confirm = async () => {
    if (!view) return
    setConfirming(true)
    const res = await call('signalsUploadConfirm', { params: { uploadId: view.uploadId }, input: {} })
    setConfirming(false)
    if (!res.ok) return setError(res.message)
    follow(res.value)
  }
  const report = async () => {
    if (!view) return
    const res = await call('signalsUploadReport', { params: { uploadId: view.uploadId } })
    if (!res.ok) return setError(res.message)
    saveFile(res.value)
  }
  const busy = view?.status === 'staged'
  const imported = view?.status === 'imported'
  return (
    <>
      <PageHeader title="静默认证（数据比对）" sub="上传医保结算、交通出行、民政、公安等部门的比对数据 CSV（列：个人编号或身份证号、来源、发生日期）。先检查每一行，有任何错误都不会导入。死亡、殡葬信号不会认证通过，只会暂停发放并转人工核查。" />
      <Card style={{ marginBottom: 16 }}>
        <Upload.Dragger
          accept=".csv,text/csv"
          multiple={false}
          showUploadList={false}
          disabled={sent !== null || busy}
          beforeUpload={(file) => {
            void send(file)
            return false
          }}
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p style={{ fontSize: 16 }}>点击选择比对数据文件，或把文件拖到这里</p>
          <p className="yl-muted">只接受 .csv 文件，最大 50 MB</p>
        </Upload.Dragger>
        {sent !== null && <Progress percent={sent} status="active" style={{ marginTop: 12 }} format={(p) => `上传 ${p}%`} />}
        {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} />}
      </Card>
      {view && (
        <Card title={<Space>{view.filename}{STATUS_LABEL[view.status]}</Space>} data-testid="signals-upload">
          {busy && <Progress percent={view.rowsTotal ? Math.floor((view.rowsDone / view.rowsTotal) * 100) : 0} status="active" format={() => `已处理 ${fmtCount(view.rowsDone)} / ${fmtCount(view.rowsTotal)} 行`} />}
          <Descriptions column={3} size="middle" style={{ marginTop: 12 }}>
            <Descriptions.Item label="文件编码">{view.encoding ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="总行数">{fmtCount(view.rowsTotal)}</Descriptions.Item>
            <Descriptions.Item label="错误行">{fmtCount(view.errorCount)}</Descriptions.Item>
            {imported && <Descriptions.Item label="新增信号">{fmtCount(view.inserted)}</Descriptions.Item>}
            {imported && <Descriptions.Item label="以前导入过">{fmtCount(view.alreadyKnown)}</Descriptions.Item>}
            {imported && <Descriptions.Item label="静默认证通过">{fmtCount(view.certified)} 人</Descriptions.Item>}
            {imported && <Descriptions.Item label="转人工核查（死亡/殡葬、信号冲突）">{fmtCount(view.flagged)} 人</Descriptions.Item>}
          </Descriptions>
          {view.status === 'failed' && (
            <>
              <Alert type="error" showIcon style={{ margin: '12px 0' }} message={`比对数据中有 ${fmtCount(view.errorCount)} 处错误，没有导入任何数据。请下载错误明细，改好后重新上传。`} action={<Button onClick={() => void report()}>下载错误明细</Button>} />
              <Table
                rowKey={(e) => `${e.line}-${e.column}`}
                size="middle"
                dataSource={view.firstErrors}
                pagination={false}
                columns={[
                  { title: '行号', dataIndex: 'line', width: 90 },
                  { title: '列', dataIndex: 'column', width: 160 },
                  { title: '问题', dataIndex: 'reason' },
                ]}
              />
            </>
          )}
          {view.status === 'validated' && (
            <Space style={{ marginTop: 12 }}>
              <Button type="primary" size="large" loading={confirming} onClick={() => void confirm()}>
                确认导入
              </Button>
              <Button size="large" onClick={() => setView(null)}>
                不导入
              </Button>
            </Space>
          )}
          {imported && (
            <Alert
              type="success"
              showIcon
              style={{ marginTop: 12 }}
              message={view.inserted === 0 ? '这些信号以前都已导入过，没有任何改变。' : `已导入：${fmtCount(view.certified)} 人静默认证通过，${fmtCount(view.flagged)} 人转人工核查。`}
            />
          )}
        </Card>
      )}
    </>
  )
}
