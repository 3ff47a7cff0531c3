/**
 * 结果导出: a new incremental export of every record since the last one (for the core pension
 * system), its progress, and the history with downloads as CSV (UTF-8 / GBK) and XLSX, each with
 * its row count and SHA-256 checksum. Only 审核员 and 管理员 may export (full names and ID numbers).
 */
import { Alert, Button, Card, Progress, Result, Space, Table, Tag, Typography } from 'antd'
import { useState } from 'react'
import { REVIEW_ROLES } from '../../../src/core/contracts/agency/define'
import type { ExportView, ResultsFormat } from '../../../src/core/contracts/agency/exports'
import { call, saveFile } from '../api/client'
import { PageHeader } from '../components/PageHeader'
import { useLoad } from '../components/useCall'
import { percentOf, useExportProgress } from '../components/useExportProgress'
import { fmtCount, fmtDateTime, newRequestId } from '../format'
import { useSession } from '../session'

const FORMATS: { format: ResultsFormat; label: string; checksum: keyof ExportView['checksums'] }[] = [
  { format: 'csv-utf8', label: 'CSV（UTF-8）', checksum: 'csvUtf8' },
  { format: 'csv-gbk', label: 'CSV（GBK）', checksum: 'csvGbk' },
  { format: 'xlsx', label: 'XLSX', checksum: 'xlsx' },
]

const STATUS: Record<ExportView['status'], JSX.Element> = {
  building: <Tag color="processing">生成中</Tag>,
  ready: <Tag color="green">已完成</Tag>,
  failed: <Tag color="red">失败</Tag>,
}

export default function Exports() {
  const session = useSession()
  const allowed = session.state === 'signed-in' && REVIEW_ROLES.includes(session.user.role)
  if (!allowed) return <Result status="403" title="结果导出需要审核员或管理员岗位" subTitle="导出文件含完整姓名和身份证号，只有使用动态验证码登录的岗位可以导出。" />
  return <ExportsPage />
}

function ExportsPage() {
  const history = useLoad(() => call('exportsList', { input: { kind: 'results' } }), [])
  const progress = useExportProgress(() => void history.reload())
  const [starting, setStarting] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [downloading, setDownloading] = useState<string | null>(null)

  const create = async () => {
    setStarting(true)
    setError(null)
    // One id per click: a retry after a dropped connection answers the same export, never a second one.
    const requestId = newRequestId()
    let res = await call('exportsResultsCreate', { input: { requestId } })
    if (!res.ok && res.code === 'NETWORK') res = await call('exportsResultsCreate', { input: { requestId } })
    setStarting(false)
    if (!res.ok) return setError(res.message)
    progress.follow(res.value)
    void history.reload()
  }
  const download = async (v: ExportView, format: ResultsFormat) => {
    setDownloading(`${v.exportId}:${format}`)
    setError(null)
    const res = await call('exportsResultsDownload', { params: { exportId: v.exportId }, input: { format } })
    setDownloading(null)
    if (!res.ok) return setError(res.message)
    saveFile(res.value)
  }
  const current = progress.view
  const rows = history.result?.ok ? history.result.value.exports : []
  return (
    <>
      <PageHeader title="结果导出" sub="导出上次导出以后新增或审核过的全部认证记录，交核心业务系统使用。同一个导出编号，任何时候下载都是同一份文件。" />
      <Card style={{ marginBottom: 16 }}>
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <Button type="primary" size="large" loading={starting} disabled={current?.status === 'building'} onClick={() => void create()} data-testid="export-create">
            新建导出
          </Button>
          {(error || progress.error) && <Alert type="error" showIcon message={error ?? progress.error} />}
          {current && (
            <div data-testid="export-progress">
              <Typography.Text>
                导出编号 <span className="yl-mono">{current.exportId}</span>：{current.status === 'building' ? `正在生成，已处理 ${fmtCount(current.rowsDone)} / ${fmtCount(current.rowsTotal)} 行` : current.status === 'ready' ? `已完成，共 ${fmtCount(current.rowCount)} 行，可在下表下载` : '生成失败，请再点“新建导出”继续这份导出'}
              </Typography.Text>
              <Progress percent={percentOf(current)} status={current.status === 'failed' ? 'exception' : current.status === 'ready' ? 'success' : 'active'} />
            </div>
          )}
        </Space>
      </Card>
      <Card title="导出记录">
        {history.result && !history.result.ok && <Alert type="error" showIcon message={history.result.message} />}
        <Table<ExportView>
          rowKey="exportId"
          loading={history.loading}
          dataSource={rows}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          locale={{ emptyText: '还没有导出过' }}
          columns={[
            { title: '创建时间', dataIndex: 'createdAt', width: 160, render: fmtDateTime },
            { title: '导出编号', dataIndex: 'exportId', width: 130, render: (id: string) => <Typography.Text className="yl-mono" copyable={{ text: id }}>{id.slice(0, 8)}</Typography.Text> },
            { title: '状态', dataIndex: 'status', width: 90, render: (s: ExportView['status']) => STATUS[s] },
            { title: '行数', dataIndex: 'rowCount', width: 90, align: 'right', render: (n: number | null) => <span data-testid="export-row-count">{fmtCount(n)}</span> },
            {
              title: '下载（含校验值 SHA-256）',
              key: 'files',
              render: (_, v) =>
                v.status !== 'ready' ? (
                  '—'
                ) : (
                  <Space direction="vertical" size={4}>
                    {FORMATS.map((f) => (
                      <Space key={f.format} size="small">
                        <Button size="middle" loading={downloading === `${v.exportId}:${f.format}`} onClick={() => void download(v, f.format)} data-testid={`export-download-${f.format}`} style={{ width: 130 }}>
                          {f.label}
                        </Button>
                        <Typography.Text className="yl-mono yl-muted" copyable={v.checksums[f.checksum] ? { text: v.checksums[f.checksum]! } : false} style={{ fontSize: 13 }}>
                          {v.checksums[f.checksum] ? `${v.checksums[f.checksum]!.slice(0, 16)}…` : '—'}
                        </Typography.Text>
                      </Space>
                    ))}
                  </Space>
                ),
            },
          ]}
        />
      </Card>
    </>
  )
}
