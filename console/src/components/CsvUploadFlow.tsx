/**
 * The console's staged CSV upload (名册导入, 静默认证): pick or drop a .csv, upload it with a progress
 * bar, follow the backend's check (polling), list the first row errors with the full report to
 * download, and import on 确认导入. Each page keeps what is its own: the endpoints (`api`), the
 * words, the counts it shows and its success message.
 */
import { InboxOutlined } from '@ant-design/icons'
import { Alert, Button, Card, Descriptions, Progress, Space, Table, Tag, Upload } from 'antd'
import { useEffect, useRef, useState, type ReactNode } from 'react'
import { saveFile, type ApiResult } from '../api/client'
import { fmtCount } from '../format'

const POLL_MS = 700

/** The view fields the flow itself reads (both uploads' views have them). */
export interface CsvUploadView {
  uploadId: string
  filename: string
  status: 'staged' | 'validated' | 'failed' | 'imported'
  encoding: string | null
  rowsTotal: number | null
  rowsDone: number
  errorCount: number
  firstErrors: { line: number; column: string; reason: string }[]
}

export interface CsvUploadApi<V> {
  create: (file: File, onProgress: (sent: number, total: number) => void) => Promise<ApiResult<V>>
  status: (uploadId: string) => Promise<ApiResult<V>>
  confirm: (uploadId: string) => Promise<ApiResult<V>>
  report: (uploadId: string) => Promise<ApiResult<Parameters<typeof saveFile>[0]>>
}

export interface CsvUploadFlowProps<V extends CsvUploadView> {
  api: CsvUploadApi<V>
  maxBytes: number
  /** What the file is, in the page's words: 名册, 比对数据. */
  noun: string
  /** What the backend does while staged: 检查 (the roster is only checked), 处理. */
  working: string
  /** The result card's data-testid (browser tests find it by this), if any. */
  testId?: string
  /** The upload's own counts, as Descriptions items after 文件编码 / 总行数 / 错误行. */
  counts: (view: V) => ReactNode
  importedMessage: (view: V) => string
}

export function CsvUploadFlow<V extends CsvUploadView>({ api, maxBytes, noun, working, testId, counts, importedMessage }: CsvUploadFlowProps<V>) {
  const [sent, setSent] = useState<number | null>(null)
  const [view, setView] = useState<V | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [confirming, setConfirming] = useState(false)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), [])

  const follow = (v: V) => {
    setView(v)
    if (v.status !== 'staged') return
    timer.current = setTimeout(async () => {
      const res = await api.status(v.uploadId)
      if (!res.ok) return setError(res.message)
      follow(res.value)
    }, POLL_MS)
  }
  const send = async (file: File) => {
    setError(null)
    setView(null)
    if (file.size > maxBytes) return setError('文件太大（最大 50 MB），请分成几个文件上传')
    setSent(0)
    const res = await api.create(file, (s, t) => setSent(Math.floor((s / Math.max(t, 1)) * 100)))
    setSent(null)
    if (!res.ok) return setError(res.message)
    follow(res.value)
  }
  const confirm = async () => {
    if (!view) return
    setConfirming(true)
    const res = await api.confirm(view.uploadId)
    setConfirming(false)
    if (!res.ok) return setError(res.message)
    follow(res.value)
  }
  const report = async () => {
    if (!view) return
    const res = await api.report(view.uploadId)
    if (!res.ok) return setError(res.message)
    saveFile(res.value)
  }
  const busy = view?.status === 'staged'
  const statusLabel: Record<CsvUploadView['status'], JSX.Element> = {
    staged: <Tag color="processing">{working}中</Tag>,
    validated: <Tag color="blue">检查通过，待确认</Tag>,
    failed: <Tag color="red">有错误，未导入</Tag>,
    imported: <Tag color="green">已导入</Tag>,
  }
  return (
    <>
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
          <p style={{ fontSize: 16 }}>点击选择{noun}文件，或把文件拖到这里</p>
          <p className="yl-muted">只接受 .csv 文件，最大 50 MB</p>
        </Upload.Dragger>
        {sent !== null && <Progress percent={sent} status="active" style={{ marginTop: 12 }} format={(p) => `上传 ${p}%`} />}
        {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} />}
      </Card>
      {view && (
        <Card title={<Space>{view.filename}{statusLabel[view.status]}</Space>} data-testid={testId}>
          {busy && <Progress percent={view.rowsTotal ? Math.floor((view.rowsDone / view.rowsTotal) * 100) : 0} status="active" format={() => `已${working} ${fmtCount(view.rowsDone)} / ${fmtCount(view.rowsTotal)} 行`} />}
          <Descriptions column={3} size="middle" style={{ marginTop: 12 }}>
            <Descriptions.Item label="文件编码">{view.encoding ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="总行数">{fmtCount(view.rowsTotal)}</Descriptions.Item>
            <Descriptions.Item label="错误行">{fmtCount(view.errorCount)}</Descriptions.Item>
            {counts(view)}
          </Descriptions>
          {view.status === 'failed' && (
            <>
              <Alert type="error" showIcon style={{ margin: '12px 0' }} message={`${noun}中有 ${fmtCount(view.errorCount)} 处错误，没有导入任何数据。请下载错误明细，改好后重新上传。`} action={<Button onClick={() => void report()}>下载错误明细</Button>} />
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
          {view.status === 'imported' && <Alert type="success" showIcon style={{ marginTop: 12 }} message={importedMessage(view)} />}
        </Card>
      )}
    </>
  )
}
