/**
 * Find a person in the user's region by 个人编号, name or ID number (a POST: an ID number never goes
 * in a URL). Results show the masked name and ID number only.
 */
import { Alert, Button, Input, Select, Space, Table, Tag } from 'antd'
import { useState, type ReactNode } from 'react'
import type { PersonHit, PersonSearchInput } from '../../../src/core/contracts/agency/persons'
import { call } from '../api/client'

type Mode = 'personNo' | 'name' | 'idNumber'
const MODES: { value: Mode; label: string; placeholder: string }[] = [
  { value: 'personNo', label: '个人编号', placeholder: '例如 DEMO0001' },
  { value: 'name', label: '姓名', placeholder: '完整姓名' },
  { value: 'idNumber', label: '身份证号', placeholder: '18 位身份证号' },
]

export function PersonSearch({ action }: { action: (hit: PersonHit) => ReactNode }) {
  const [mode, setMode] = useState<Mode>('personNo')
  const [text, setText] = useState('')
  const [busy, setBusy] = useState(false)
  const [hits, setHits] = useState<PersonHit[] | null>(null)
  const [truncated, setTruncated] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const search = async () => {
    const value = text.trim()
    if (!value) return setError(`请填写${MODES.find((m) => m.value === mode)!.label}`)
    setBusy(true)
    setError(null)
    const input: PersonSearchInput = { [mode]: value }
    const res = await call('personsSearch', { input })
    setBusy(false)
    if (!res.ok) {
      setHits(null)
      return setError(res.message)
    }
    setHits(res.value.items)
    setTruncated(res.value.truncated)
  }
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space.Compact style={{ width: '100%', maxWidth: 640 }}>
        <Select<Mode> value={mode} onChange={setMode} options={MODES} style={{ width: 130 }} size="large" aria-label="查询方式" data-testid="person-search-mode" />
        <Input
          size="large"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onPressEnter={() => void search()}
          placeholder={MODES.find((m) => m.value === mode)!.placeholder}
          aria-label="查询内容"
          data-testid="person-search-text"
          allowClear
        />
        <Button size="large" type="primary" loading={busy} onClick={() => void search()} data-testid="person-search-go">
          查询
        </Button>
      </Space.Compact>
      {error && <Alert type="error" showIcon message={error} />}
      {truncated && <Alert type="warning" showIcon message="符合条件的人员较多，只列出了一部分。请用个人编号或身份证号查询。" />}
      {hits && (
        <Table<PersonHit>
          rowKey="personId"
          dataSource={hits}
          pagination={false}
          size="middle"
          locale={{ emptyText: '没有找到符合条件的人员（只查本辖区）' }}
          columns={[
            { title: '姓名', dataIndex: 'maskedName', width: 110 },
            { title: '个人编号', dataIndex: 'personNo', width: 140 },
            { title: '身份证号', dataIndex: 'maskedIdNumber', width: 200 },
            { title: '行政区划', dataIndex: 'regionCode', width: 120 },
            { title: '险种', dataIndex: 'insuranceLabel', width: 180 },
            { title: '待遇', dataIndex: 'benefitStatus', width: 110, render: (s: string) => (s === 'suspended' ? <Tag color="red">暂停发放</Tag> : '正常') },
            { title: '', key: 'action', render: (_, hit) => action(hit) },
          ]}
        />
      )}
    </Space>
  )
}
