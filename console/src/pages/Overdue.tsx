/**
 * 逾期名单: the overdue persons of the region (filters: sub-region, 险种, months overdue), exported
 * as XLSX with a progress bar.
 */
import { Alert, Button, Card, Form, Input, InputNumber, Progress, Select, Space, Table, Tag, Typography } from 'antd'
import { useState } from 'react'
import type { OverdueRowView } from '../../../src/core/contracts/agency/overview'
import type { OverdueExportInput } from '../../../src/core/contracts/agency/exports'
import { INSURANCE_LABELS, INSURANCE_TYPES, type InsuranceType } from '../../../src/core/insurance'
import { call, saveFile } from '../api/client'
import { PageHeader } from '../components/PageHeader'
import { useLoad } from '../components/useCall'
import { percentOf, useExportProgress } from '../components/useExportProgress'
import { fmtCount, fmtDate } from '../format'
import { Link } from '../router'

export interface OverdueFilters {
  subRegion?: string
  insuranceType?: InsuranceType
  minMonthsOverdue?: number
}

export const cleanFilters = (f: OverdueFilters): OverdueExportInput => ({
  ...(f.subRegion?.trim() ? { subRegion: f.subRegion.trim() } : {}),
  ...(f.insuranceType ? { insuranceType: f.insuranceType } : {}),
  ...(typeof f.minMonthsOverdue === 'number' ? { minMonthsOverdue: f.minMonthsOverdue } : {}),
})

export default function Overdue() {
  const [filters, setFilters] = useState<OverdueFilters>({})
  return (
    <>
      <PageHeader title="逾期名单" sub="本辖区已逾期未认证、暂停发放的人员。" />
      <Card style={{ marginBottom: 16 }}>
        <OverdueFilterForm onChange={setFilters} />
      </Card>
      <OverdueExport filters={filters} />
      <OverdueTable filters={filters} />
    </>
  )
}

export function OverdueFilterForm({ onChange }: { onChange: (f: OverdueFilters) => void }) {
  return (
    <Form<OverdueFilters> layout="inline" size="large" onFinish={onChange} style={{ rowGap: 12 }}>
      <Form.Item label="下级区划" name="subRegion" rules={[{ pattern: /^\d{0,12}$/, message: '只能填数字代码' }]}>
        <Input placeholder="如 430102" style={{ width: 150 }} allowClear data-testid="overdue-subregion" />
      </Form.Item>
      <Form.Item label="险种" name="insuranceType">
        <Select allowClear placeholder="全部险种" style={{ width: 240 }} options={INSURANCE_TYPES.map((t) => ({ value: t, label: INSURANCE_LABELS[t] }))} />
      </Form.Item>
      <Form.Item label="逾期至少" name="minMonthsOverdue">
        <InputNumber min={0} max={600} addonAfter="个月" style={{ width: 150 }} />
      </Form.Item>
      <Form.Item>
        <Button type="primary" htmlType="submit" data-testid="overdue-filter">
          查询
        </Button>
      </Form.Item>
    </Form>
  )
}

export function OverdueExport({ filters }: { filters: OverdueFilters }) {
  const progress = useExportProgress(async (v) => {
    if (v.status !== 'ready') return
    const res = await call('exportsOverdueDownload', { params: { exportId: v.exportId } })
    if (!res.ok) return setError(res.message)
    saveFile(res.value)
  })
  const [error, setError] = useState<string | null>(null)
  const [starting, setStarting] = useState(false)
  const start = async () => {
    setError(null)
    setStarting(true)
    const res = await call('exportsOverdueCreate', { input: cleanFilters(filters) })
    setStarting(false)
    if (!res.ok) return setError(res.message)
    progress.follow(res.value)
  }
  const v = progress.view
  return (
    <Card>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space>
          <Button size="large" loading={starting} disabled={v?.status === 'building'} onClick={() => void start()} data-testid="overdue-export">
            按当前条件导出 XLSX
          </Button>
          <Typography.Text className="yl-muted">导出的名单有完整姓名（便于联系本人），身份证号只显示部分。</Typography.Text>
        </Space>
        {(error || progress.error) && <Alert type="error" showIcon message={error ?? progress.error} />}
        {v && (
          <div data-testid="overdue-export-progress">
            <Progress percent={percentOf(v)} status={v.status === 'failed' ? 'exception' : v.status === 'ready' ? 'success' : 'active'} />
            <Typography.Text>
              {v.status === 'building' ? `正在生成，已处理 ${fmtCount(v.rowsDone)} / ${fmtCount(v.rowsTotal)} 行` : v.status === 'ready' ? `已生成 ${fmtCount(v.rowCount)} 行，文件已交给浏览器下载` : '生成失败，请重试'}
            </Typography.Text>
          </div>
        )}
      </Space>
    </Card>
  )
}

const PAGE = 20

/** The list itself: keyset pages of PAGE rows, the total under the filters. */
function OverdueTable({ filters }: { filters: OverdueFilters }) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined])
  const [key, setKey] = useState(filters)
  if (key !== filters) {
    // New filters: back to the first page.
    setKey(filters)
    setCursors([undefined])
  }
  const after = cursors[cursors.length - 1]
  const { result, loading } = useLoad(
    () =>
      call('overviewOverdueList', {
        input: {
          ...(filters.subRegion?.trim() ? { subRegion: filters.subRegion.trim() } : {}),
          ...(filters.insuranceType ? { insuranceType: filters.insuranceType } : {}),
          // The list counts from 1 month; 0 means "any".
          ...(filters.minMonthsOverdue ? { minMonthsOverdue: String(filters.minMonthsOverdue) } : {}),
          ...(after ? { after } : {}),
          limit: String(PAGE),
        },
      }),
    [filters, after],
  )
  const list = result?.ok ? result.value : null
  return (
    <Card style={{ marginTop: 16 }} title={<span data-testid="overdue-total">{list ? `共 ${fmtCount(list.total)} 人` : '名单'}</span>}>
      {result && !result.ok && <Alert type="error" showIcon message={result.message} style={{ marginBottom: 12 }} />}
      <Table<OverdueRowView>
        rowKey="personId"
        loading={loading}
        dataSource={list?.rows ?? []}
        pagination={false}
        locale={{ emptyText: '没有符合条件的逾期人员' }}
        className="yl-nowrap"
        size="middle"
        scroll={{ x: 'max-content' }}
        columns={[
          { title: '姓名', dataIndex: 'nameMasked' },
          { title: '个人编号', dataIndex: 'personNo' },
          { title: '身份证号', dataIndex: 'idNumberMasked' },
          { title: '区划', dataIndex: 'regionCode' },
          { title: '险种', dataIndex: 'insuranceType', render: (t: InsuranceType) => INSURANCE_LABELS[t] },
          { title: '应认证月', dataIndex: 'dueMonth' },
          {
            title: '逾期',
            dataIndex: 'monthsOverdue',
            // Suspended by the agency before the deadline (the roster, a death signal): not late; said so.
            render: (m: number, r) =>
              r.suspendedBy === 'agency' ? <Tag data-testid={`overdue-agency-${r.personNo}`}>未到期，机构暂停 {m} 个月</Tag> : <Tag color={m >= 3 ? 'red' : 'orange'}>{m} 个月</Tag>,
          },
          { title: '上次认证', dataIndex: 'lastCertifiedOn', render: fmtDate },
          { title: '停发起', dataIndex: 'suspendedSince', render: fmtDate },
          { title: '', key: 'open', width: 70, fixed: 'right', render: (_, r) => <Link to={`/persons/${r.personId}`}>详情</Link> },
        ]}
      />
      <Space style={{ marginTop: 16 }}>
        <Button disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          上一页
        </Button>
        <Button disabled={!list?.nextAfter} onClick={() => setCursors([...cursors, list?.nextAfter])}>
          下一页
        </Button>
        <Typography.Text className="yl-muted">第 {cursors.length} 页</Typography.Text>
      </Space>
    </Card>
  )
}
