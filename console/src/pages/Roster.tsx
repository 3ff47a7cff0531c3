/**
 * 名册导入 (管理员): upload the roster CSV (UTF-8, UTF-8 with BOM or GBK) with a progress bar; the
 * backend checks every row first and imports nothing while any row is wrong — the first errors are
 * listed, the full report downloads; a clean file is imported on 确认导入.
 */
import { Descriptions, Result } from 'antd'
import { ROSTER_UPLOAD_MAX_BYTES, type RosterUploadView } from '../../../src/core/contracts/agency/roster'
import { call, upload } from '../api/client'
import { CsvUploadFlow, type CsvUploadApi } from '../components/CsvUploadFlow'
import { PageHeader } from '../components/PageHeader'
import { fmtCount } from '../format'
import { useSession } from '../session'

const API: CsvUploadApi<RosterUploadView> = {
  create: (file, onProgress) => upload('rosterUploadCreate', file, { onProgress }),
  status: (uploadId) => call('rosterUploadStatus', { params: { uploadId } }),
  confirm: (uploadId) => call('rosterUploadConfirm', { params: { uploadId }, input: {} }),
  report: (uploadId) => call('rosterUploadReport', { params: { uploadId } }),
}

export default function Roster() {
  const session = useSession()
  if (session.state !== 'signed-in' || session.user.role !== 'admin') return <Result status="403" title="名册导入需要管理员岗位" subTitle="名册导入会一次改动整个辖区的待遇状态，只有管理员可以操作。" />
  return <RosterPage />
}

function RosterPage() {
  return (
    <>
      <PageHeader title="名册导入" sub="上传核心业务系统导出的名册 CSV（UTF-8 或 GBK）。先检查每一行，有任何错误都不会导入。" />
      <CsvUploadFlow
        api={API}
        maxBytes={ROSTER_UPLOAD_MAX_BYTES}
        noun="名册"
        working="检查"
        // Before confirm the counts are what the import will do (the check ran it with nothing written).
        counts={(view) => (
          <>
            <Descriptions.Item label={view.status === 'imported' ? '新增' : '将新增'}>{fmtCount(view.inserted)}</Descriptions.Item>
            <Descriptions.Item label={view.status === 'imported' ? '更新' : '将更新'}>{fmtCount(view.updated)}</Descriptions.Item>
            <Descriptions.Item label="不变">{fmtCount(view.unchanged)}</Descriptions.Item>
          </>
        )}
        importedMessage={() => '名册已导入。'}
      />
    </>
  )
}
