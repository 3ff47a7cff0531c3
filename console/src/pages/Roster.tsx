/**
 * 名册导入 (管理员): upload the roster CSV (UTF-8, UTF-8 with BOM or GBK) with a progress bar; the
 * backend checks every row first and imports nothing while any row is wrong — the first errors are
 * listed, the full report downloads; a clean file is imported on 确认导入.
 */
import { InboxOutlined } from '@ant-design/icons'
import { Alert, Button, Card, Descriptions, Progress, Result, Space, Table, Tag, Upload } from 'antd'
import { useEffect, useRef, useState } from 'react'
import { ROSTER_UPLOAD_MAX_BYTES, type RosterUploadView } from '../../../src/core/contracts/agency/roster'
import { call, saveFile, upload } from '../api/client'
import { PageHeader } from '../components/PageHeader'
import { fmtCount } from '../format'
import { useSession } from '../session'

const POLL_MS = 700
const STATUS_LABEL: Record<RosterUploadView['status'], JSX.Element> = {
  staged: <Tag color="processing">检查中</Tag>,
  validated: <Tag color="blue">检查通过，待确认</Tag>,
  failed: <Tag color="red">有错误，未导入</Tag>,
  imported: <Tag color="green">已导入</Tag>,
}

export default function Roster() {
  const session = useSession()
  if (session.state !== 'signed-in' || session.user.role !== 'admin') return <Result status="403" title="名册导入需要管理员岗位" subTitle="名册导入会一次改动整个辖区的待遇状态，只有管理员可以操作。" />
  return <RosterPage />
}

function RosterPage() {
  const [sent, setSent] = useState<number | null>(null)
  const [view, setView] = useState<RosterUploadView | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [confirming, setConfirming] = useState(false)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), [])

  const follow = (v: RosterUploadView) => {
    setView(v)
    if (v.status !== 'staged') return
    timer.current = setTimeout(async () => {
      const res = await call('rosterUploadStatus', { params: { uploadId: v.uploadId } })
      if (!res.ok) return setError(res.message)
      follow(res.value)
    }, POLL_MS)
  }
  const send = async (file: File) => {
    setError(null)
    setView(null)
    if (file.size > ROSTER_UPLOAD_MAX_BYTES) return setError('文件太大（最大 50 MB），请分成几个文件上传')
    setSent(0)
    const res = await upload('rosterUploadCreate', file, { onProgress: (s, t) => setSent(Math.floor((s / Math.max(t, 1)) * 100)) })
    setSent(null)
    if (!res.ok) return setError(res.message)
    follow(res.value)
  }
  const confirm = async () => {
    if (!view) return
    setConfirming(true)
    const res = await call('rosterUploadConfirm', { params: { uploadId: view.uploadId }, input: {} })
    setConfirming(false)
    if (!res.ok) return setError(res.message)
    follow(res.value)
  }
  const report = async () => {
    if (!view) return
    const res = await call('rosterUploadReport', { params: { uploadId: view.uploadId } })
    if (!res.ok) return setError(res.message)
    saveFile(res.value)
  }
  const checking = view?.status === 'staged'
  return (
    <>
      <PageHeader title="名册导入" sub="上传核心业务系统导出的名册 CSV（UTF-8 或 GBK）。先检查每一行，有任何错误都不会导入。" />
      <Card style={{ marginBottom: 16 }}>
        <Upload.Dragger
          accept=".csv,text/csv"
          multiple={false}
          showUploadList={false}
          disabled={sent !== null || checking}
          beforeUpload={(file) => {
            void send(file)
            return false
          }}
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p style={{ fontSize: 16 }}>点击选择名册文件，或把文件拖到这里</p>
          <p className="yl-muted">只接受 .csv 文件，最大 50 MB</p>
        </Upload.Dragger>
        {sent !== null && <Progress percent={sent} status="active" style={{ marginTop: 12 }} format={(p) => `上传 ${p}%`} />}
        {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} />}
      </Card>
      {view && (
        <Card title={<Space>{view.filename}{STATUS_LABEL[view.status]}</Space>}>
          {checking && <Progress percent={view.rowsTotal ? Math.floor((view.rowsDone / view.rowsTotal) * 100) : 0} status="active" format={() => `已检查 ${fmtCount(view.rowsDone)} / ${fmtCount(view.rowsTotal)} 行`} />}
          <Descriptions column={3} size="middle" style={{ marginTop: 12 }}>
            <Descriptions.Item label="文件编码">{view.encoding ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="总行数">{fmtCount(view.rowsTotal)}</Descriptions.Item>
            <Descriptions.Item label="错误行">{fmtCount(view.errorCount)}</Descriptions.Item>
            <Descriptions.Item label={view.status === 'imported' ? '新增' : '将新增'}>{fmtCount(view.inserted)}</Descriptions.Item>
            <Descriptions.Item label={view.status === 'imported' ? '更新' : '将更新'}>{fmtCount(view.updated)}</Descriptions.Item>
            <Descriptions.Item label="不变">{fmtCount(view.unchanged)}</Descriptions.Item>
          </Descriptions>
          {view.status === 'failed' && (
            <>
              <Alert type="error" showIcon style={{ margin: '12px 0' }} message={`名册中有 ${fmtCount(view.errorCount)} 处错误，没有导入任何数据。请下载错误明细，改好后重新上传。`} action={<Button onClick={() => void report()}>下载错误明细</Button>} />
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
          {view.status === 'imported' && <Alert type="success" showIcon style={{ marginTop: 12 }} message="名册已导入。" />}
        </Card>
      )}
    </>
  )
}
