import type { RecordView, StatusView } from '@/core/contracts/views'

const person = {
  maskedName: '王*华',
  maskedIdNumber: '110***********002X',
  insuranceType: 'enterprise' as const,
  insuranceLabel: '企业职工基本养老保险',
}

export const statusCertified: StatusView = {
  bound: true,
  person,
  status: 'certified',
  statusLabel: '已认证',
  nextDueDate: '2027-03-01',
  nextDueMonthLabel: '2027年3月',
  nextDueDeadlineLabel: '2027年3月31日',
  lastResult: { result: 'passed', resultLabel: '认证通过', certifiedAt: '2026-03-05T02:00:00.000Z' },
}

export const statusDue: StatusView = { ...statusCertified, status: 'due', statusLabel: '待认证', lastResult: undefined }

export const statusOverdue: StatusView = {
  ...statusCertified,
  status: 'overdue_suspended',
  statusLabel: '已逾期，暂停发放',
  suspendedSince: '2026-04-01',
  lastResult: undefined,
}

export const statusUnbound: StatusView = { bound: false }

export const records: RecordView[] = [
  {
    id: 'r2',
    certifiedAt: '2026-03-05T02:00:00.000Z',
    result: 'passed',
    resultLabel: '认证通过',
    method: 'face',
    methodLabel: '刷脸认证',
    channel: 'weapp',
    channelLabel: '微信小程序',
    performedBy: 'relative',
    performedByLabel: '亲属代办',
  },
  {
    id: 'r1',
    certifiedAt: '2025-03-02',
    result: 'passed',
    resultLabel: '认证通过',
    method: 'counter',
    methodLabel: '窗口认证',
    channel: 'agency',
    channelLabel: '社保经办机构',
    performedBy: 'agency',
    performedByLabel: '经办人员',
  },
]
