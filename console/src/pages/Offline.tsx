/**
 * 线下认证登记: the person (searched in the region), the date, where (窗口/社区/上门), the place, how
 * the clerk verified it and a note. One request id per form, so a retry after a lost answer gives
 * the same record; the confirmation says the next due date and whether the benefit resumes.
 */
import { Alert, Button, Card, DatePicker, Descriptions, Form, Input, Radio, Result, Tag } from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { useState } from 'react'
import type { PersonHit } from '../../../src/core/contracts/agency/persons'
import {
  OFFLINE_METHOD_LABELS,
  OFFLINE_METHODS,
  OFFLINE_NOTE_MAX,
  OFFLINE_PLACE_MAX,
  OFFLINE_VERIFIED_HOW,
  OFFLINE_VERIFIED_HOW_LABELS,
  type OfflineMethod,
  type OfflineRecordAnswer,
  type OfflineVerifiedHow,
} from '../../../src/core/contracts/agency/offline'
import { call } from '../api/client'
import { PageHeader } from '../components/PageHeader'
import { PersonSearch } from '../components/PersonSearch'
import { fmtDateTime, fmtDueMonth, newRequestId } from '../format'
import { Link } from '../router'

interface FormValues {
  date: Dayjs
  method: OfflineMethod
  place: string
  verifiedHow: OfflineVerifiedHow
  note?: string
}

export default function Offline() {
  const [person, setPerson] = useState<PersonHit | null>(null)
  const [requestId, setRequestId] = useState(newRequestId)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<OfflineRecordAnswer | null>(null)
  const [form] = Form.useForm<FormValues>()

  const again = () => {
    setPerson(null)
    setDone(null)
    setError(null)
    setRequestId(newRequestId())
    form.resetFields()
  }
  const submit = async (v: FormValues) => {
    if (!person) return
    setBusy(true)
    setError(null)
    const res = await call('offlineRecord', {
      input: { personId: person.personId, date: v.date.format('YYYY-MM-DD'), method: v.method, place: v.place, verifiedHow: v.verifiedHow, note: v.note?.trim() || undefined, requestId },
    })
    setBusy(false)
    if (!res.ok) return setError(res.message)
    setDone(res.value)
    window.scrollTo(0, 0)
  }

  if (done && person)
    return (
      <>
        <PageHeader title="线下认证登记" />
        <Card>
          <Result
            status="success"
            title="已登记"
            subTitle={`${person.maskedName}（${person.personNo}）的认证已记录。`}
            extra={[
              <Button type="primary" key="again" size="large" onClick={again} data-testid="offline-again">
                登记下一位
              </Button>,
              <Link key="person" to={`/persons/${person.personId}`}>
                查看人员详情
              </Link>,
            ]}
          >
            <Descriptions column={1} bordered data-testid="offline-done">
              <Descriptions.Item label="认证结果">{done.resultLabel}</Descriptions.Item>
              <Descriptions.Item label="认证时间">{fmtDateTime(done.certifiedAt)}</Descriptions.Item>
              <Descriptions.Item label="下次认证">{fmtDueMonth(done.nextDueDate)}</Descriptions.Item>
              <Descriptions.Item label="待遇发放">{done.reinstated ? <Tag color="green">已恢复发放</Tag> : '不变'}</Descriptions.Item>
            </Descriptions>
            {done.repeated && <Alert type="info" showIcon style={{ marginTop: 12 }} message="这次登记之前已经提交过，没有重复记录。" />}
          </Result>
        </Card>
      </>
    )

  return (
    <>
      <PageHeader title="线下认证登记" sub="在窗口、社区或上门为人员办理认证后，在这里登记。" />
      <Card title="第一步：找到人员" style={{ marginBottom: 16 }}>
        {person ? (
          <div style={{ display: 'flex', alignItems: 'center', gap: 16 }}>
            <span style={{ fontSize: 16 }} data-testid="offline-person">
              <b>{person.maskedName}</b>　{person.personNo}　{person.maskedIdNumber}　{person.benefitStatus === 'suspended' ? <Tag color="red">暂停发放</Tag> : null}
            </span>
            <Button onClick={() => setPerson(null)}>换一个人</Button>
          </div>
        ) : (
          <PersonSearch action={(hit) => <Button type="primary" onClick={() => setPerson(hit)} data-testid={`offline-pick-${hit.personNo}`}>选择</Button>} />
        )}
      </Card>
      <Card title="第二步：填写认证情况">
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="offline-error" />}
        <Form<FormValues> form={form} layout="horizontal" labelCol={{ flex: '110px' }} size="large" style={{ maxWidth: 760 }} disabled={!person} initialValues={{ date: dayjs() }} onFinish={(v) => void submit(v)}>
          <Form.Item label="认证日期" name="date" rules={[{ required: true, message: '请选择认证日期' }]}>
            <DatePicker disabledDate={(d) => d.isAfter(dayjs(), 'day')} allowClear={false} style={{ width: 220 }} data-testid="offline-date" />
          </Form.Item>
          <Form.Item label="认证方式" name="method" rules={[{ required: true, message: '请选择认证方式' }]}>
            <Radio.Group optionType="button" buttonStyle="solid" options={OFFLINE_METHODS.map((m) => ({ value: m, label: OFFLINE_METHOD_LABELS[m] }))} data-testid="offline-method" />
          </Form.Item>
          <Form.Item label="认证地点" name="place" rules={[{ required: true, whitespace: true, message: '请填写认证地点' }]}>
            <Input maxLength={OFFLINE_PLACE_MAX} placeholder="例如：芙蓉区社保服务大厅 3 号窗口" data-testid="offline-place" />
          </Form.Item>
          <Form.Item label="核实方式" name="verifiedHow" rules={[{ required: true, message: '请选择核实方式' }]}>
            <Radio.Group optionType="button" buttonStyle="solid" options={OFFLINE_VERIFIED_HOW.map((m) => ({ value: m, label: OFFLINE_VERIFIED_HOW_LABELS[m] }))} data-testid="offline-verified" />
          </Form.Item>
          <Form.Item label="备注" name="note">
            <Input.TextArea rows={2} maxLength={OFFLINE_NOTE_MAX} showCount placeholder="可不填" />
          </Form.Item>
          <Form.Item label=" " colon={false}>
            <Button type="primary" htmlType="submit" loading={busy} disabled={!person} data-testid="offline-submit">
              确认登记
            </Button>
          </Form.Item>
        </Form>
      </Card>
    </>
  )
}
