import { Space, Typography } from 'antd'
import type { ReactNode } from 'react'

/** The page's title with its actions on the right. */
export function PageHeader({ title, extra, sub }: { title: string; extra?: ReactNode; sub?: ReactNode }) {
  return (
    <div style={{ display: 'flex', alignItems: 'flex-end', justifyContent: 'space-between', marginBottom: 16, gap: 16 }}>
      <div>
        <h1 className="yl-page-title" style={{ marginBottom: sub ? 4 : 0 }}>
          {title}
        </h1>
        {sub && <Typography.Text className="yl-muted">{sub}</Typography.Text>}
      </div>
      {extra && <Space>{extra}</Space>}
    </div>
  )
}
