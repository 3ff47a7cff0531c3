/**
 * 静默认证（数据比对）(管理员): upload another department's signals CSV (个人编号 or 身份证号, 来源,
 * 发生日期; UTF-8, UTF-8 with BOM or GBK) with a progress bar. The backend checks every row first —
 * persons outside your region are row errors — and imports nothing while any row is wrong; a clean file
 * is imported on 确认导入, which applies the policy: qualifying persons pass by data comparison, a death
 * or 殡葬 signal suspends payment and flags the person for review (never a pass). Below the upload,
 * the flagged persons waiting to be checked (SignalFlags).
 */
import { Descriptions, Result } from 'antd'
import { SIGNALS_UPLOAD_MAX_BYTES, type SignalsUploadView } from '../../../src/core/contracts/agency/signals'
import { call, upload } from '../api/client'
import { CsvUploadFlow, type CsvUploadApi } from '../components/CsvUploadFlow'
import { PageHeader } from '../components/PageHeader'
import { fmtCount } from '../format'
import { useSession } from '../session'
import { SignalFlags } from './SignalFlags'

const API: CsvUploadApi<SignalsUploadView> = {
  create: (file, onProgress) => upload('signalsUploadCreate', file, { onProgress }),
  status: (uploadId) => call('signalsUploadStatus', { params: { uploadId } }),
  confirm: (uploadId) => call('signalsUploadConfirm', { params: { uploadId }, input: {} }),
  report: (uploadId) => call('signalsUploadReport', { params: { uploadId } }),
}

export default function Signals() {
  const session = useSession()
  if (session.state !== 'signed-in' || session.user.role !== 'admin') return <Result status="403" title="静默认证需要管理员岗位" subTitle="一次导入会让许多人通过认证，死亡信号会暂停发放，只有管理员可以操作。" />
  return <SignalsPage />
}

function SignalsPage() {
  return (
    <>
      <PageHeader title="静默认证（数据比对）" sub="上传医保结算、交通出行、民政、公安等部门的比对数据 CSV（列：个人编号或身份证号、来源、发生日期）。先检查每一行，有任何错误都不会导入。死亡、殡葬信号不会认证通过，只会暂停发放并转人工核查。" />
      <CsvUploadFlow
        api={API}
        maxBytes={SIGNALS_UPLOAD_MAX_BYTES}
        noun="比对数据"
        working="处理"
        testId="signals-upload"
        // The signals' counts exist only once applied (the check does not run the policy).
        counts={(view) =>
          view.status === 'imported' && (
            <>
              <Descriptions.Item label="新增信号">{fmtCount(view.inserted)}</Descriptions.Item>
              <Descriptions.Item label="以前导入过">{fmtCount(view.alreadyKnown)}</Descriptions.Item>
              <Descriptions.Item label="静默认证通过">{fmtCount(view.certified)} 人</Descriptions.Item>
              <Descriptions.Item label="转人工核查（死亡/殡葬、信号冲突）">{fmtCount(view.flagged)} 人</Descriptions.Item>
            </>
          )
        }
        importedMessage={(view) => (view.inserted === 0 ? '这些信号以前都已导入过，没有任何改变。' : `已导入：${fmtCount(view.certified)} 人静默认证通过，${fmtCount(view.flagged)} 人转人工核查。`)}
      />
      <SignalFlags />
    </>
  )
}
