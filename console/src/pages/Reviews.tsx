/** 人工审核: the queue of records waiting for a decision, oldest first. */
import { Alert, Button, Table, Tag } from 'antd'
import { useState } from 'react'
import type { ReviewQueueItem } from '../../../src/core/contracts/agency/review'
import { call } from '../api/client'
import { PageHeader } from '../components/PageHeader'
import { useLoad } from '../components/useCall'
import { fmtCount, fmtDateTime } from '../format'
import { navigate } from '../router'

export default function Reviews() {
  const [cursor, setCursor] = useState<string | undefined>(undefined)
  const [earlier, setEarlier] = useState<(string | undefined)[]>([])
  const { result, loading, reload } = useLoad(() => call('reviewQueue', { input: { after: cursor, limit: '20' } }), [cursor])
  const queue = result?.ok ? result.value : null
  return (
    <>
      <PageHeader
        title="人工审核"
        sub={queue ? `本辖区待审核 ${fmtCount(queue.pendingTotal)} 条，按认证时间从早到晚排列` : undefined}
        extra={<Button onClick={() => void reload()}>刷新</Button>}
      />
      {result && !result.ok && <Alert type="error" showIcon message={result.message} style={{ marginBottom: 16 }} />}
      <Table<ReviewQueueItem>
        rowKey="recordId"
        loading={loading}
        dataSource={queue?.items ?? []}
        pagination={false}
        locale={{ emptyText: '没有待审核的认证' }}
        onRow={(row) => ({ onDoubleClick: () => navigate(`/reviews/${row.recordId}`) })}
        columns={[
          { title: '认证时间', dataIndex: 'certifiedAt', render: fmtDateTime, width: 170 },
          { title: '已等待', dataIndex: 'waitingDays', width: 100, render: (d: number) => (d >= 3 ? <Tag color="red">{d} 天</Tag> : `${d} 天`) },
          { title: '姓名', dataIndex: 'maskedName', width: 200, render: (name: string, row) => (
              <>
                {name}
                {row.deathReportOpen && <Tag color="orange" style={{ marginLeft: 8 }} data-testid={`review-death-report-${row.personNo}`}>死亡信息待核实</Tag>}
              </>
            ) },
          { title: '个人编号', dataIndex: 'personNo', width: 140, className: 'yl-mono' },
          { title: '转人工原因', dataIndex: 'holdReasonLabel', width: 170, render: (label: string | null) => <span data-testid='review-hold'>{label ?? '—'}</span> },
          { title: '渠道', dataIndex: 'channelLabel', width: 120 },
          { title: '办理人', dataIndex: 'performerLabel', width: 120 },
          { title: '', key: 'open', width: 110, render: (_, row) => (
              <Button type="primary" ghost href={`/agency/reviews/${row.recordId}`} onClick={(e) => {
                e.preventDefault()
                navigate(`/reviews/${row.recordId}`)
              }} data-testid={`review-open-${row.personNo}`}>
                审核
              </Button>
            ) },
        ]}
      />
      <div style={{ marginTop: 16, display: 'flex', gap: 12 }}>
        <Button disabled={earlier.length === 0} onClick={() => {
          setCursor(earlier[earlier.length - 1])
          setEarlier(earlier.slice(0, -1))
        }}>
          上一页
        </Button>
        <Button disabled={!queue?.next} onClick={() => {
          setEarlier([...earlier, cursor])
          setCursor(queue?.next ?? undefined)
        }}>
          下一页
        </Button>
      </div>
    </>
  )
}
