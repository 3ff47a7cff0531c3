/** 申诉 / 上门认证: the open appeals of the region, oldest first, with the SLA day and days left. */
import { Alert, Button, Segmented, Table, Tag } from 'antd'
import { useState } from 'react'
import type { AppealQueueItem } from '../../../src/core/contracts/agency/appeals'
import { call } from '../api/client'
import { PageHeader } from '../components/PageHeader'
import { useLoad } from '../components/useCall'
import { fmtCount, fmtDateTime } from '../format'
import { navigate } from '../router'

export function slaTag(item: Pick<AppealQueueItem, 'state' | 'slaDaysLeft'>) {
  if (item.state === 'completed' || item.state === 'rejected') return '—'
  if (item.slaDaysLeft < 0) return <Tag color="red">超期 {-item.slaDaysLeft} 天</Tag>
  if (item.slaDaysLeft <= 2) return <Tag color="orange">剩 {item.slaDaysLeft} 天</Tag>
  return `剩 ${item.slaDaysLeft} 天`
}

export default function Appeals() {
  const [view, setView] = useState<'open' | 'closed'>('open')
  const { result, loading, reload } = useLoad(() => call('appealsQueue', { input: { view } }), [view])
  const queue = result?.ok ? result.value : null
  return (
    <>
      <PageHeader
        title="申诉 / 上门认证"
        sub={queue ? (view === 'open' ? `本辖区办理中 ${fmtCount(queue.total)} 件，按提交时间从早到晚排列` : `已办结 ${fmtCount(queue.total)} 件（最近的在前）`) : undefined}
        extra={
          <>
            <Segmented<'open' | 'closed'> value={view} onChange={setView} options={[{ label: '办理中', value: 'open' }, { label: '已办结', value: 'closed' }]} />
            <Button onClick={() => void reload()} style={{ marginLeft: 12 }}>刷新</Button>
          </>
        }
      />
      {result && !result.ok && <Alert type="error" showIcon message={result.message} style={{ marginBottom: 16 }} />}
      <Table<AppealQueueItem>
        rowKey="appealId"
        loading={loading}
        dataSource={queue?.appeals ?? []}
        pagination={false}
        locale={{ emptyText: view === 'open' ? '没有办理中的申诉' : '没有已办结的申诉' }}
        onRow={(row) => ({ onDoubleClick: () => navigate(`/appeals/${row.appealId}`) })}
        columns={[
          { title: '提交时间', dataIndex: 'filedAt', render: fmtDateTime, width: 160 },
          { title: '时限', key: 'sla', width: 110, render: (_, row) => slaTag(row) },
          { title: '类型', dataIndex: 'kindLabel', width: 120 },
          { title: '状态', key: 'state', width: 170, render: (_, row) => `${row.stateLabel}${row.visitDate ? `（${row.visitDate}）` : ''}` },
          { title: '姓名', dataIndex: 'nameMasked', width: 100 },
          { title: '个人编号', dataIndex: 'personNo', width: 130, className: 'yl-mono' },
          { title: '原因', dataIndex: 'reasonLabel', width: 160 },
          { title: '联系电话', dataIndex: 'phoneMasked', width: 130, className: 'yl-mono' },
          { title: '经办人', dataIndex: 'assignedName', width: 110, render: (n?: string) => n ?? '未指派' },
          {
            title: '',
            key: 'open',
            width: 100,
            render: (_, row) => (
              <Button
                type="primary"
                ghost
                href={`/agency/appeals/${row.appealId}`}
                onClick={(e) => {
                  e.preventDefault()
                  navigate(`/appeals/${row.appealId}`)
                }}
                data-testid={`appeal-open-${row.personNo}`}
              >
                办理
              </Button>
            ),
          },
        ]}
      />
    </>
  )
}
