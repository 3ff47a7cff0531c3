/**
 * 概览: the region's figures for the current month (statistic cards) and three charts — passed
 * certifications per week by channel, coverage by sub-region, the overdue trend. Every figure is
 * the backend's (the same standing rule as the 首页).
 */
import { Alert, Button, Card, Col, Row, Statistic, Typography } from 'antd'
import { useMemo } from 'react'
import { OVERVIEW_CHANNEL_LABELS, OVERVIEW_CHANNELS, type OverviewView } from '../../../src/core/contracts/agency/overview'
import { call } from '../api/client'
import { EChart, type ChartOption } from '../components/EChart'
import { PageHeader } from '../components/PageHeader'
import { useLoad } from '../components/useCall'
import { navigate } from '../router'
import { regionLabel, useSession } from '../session'

const CHANNEL_COLORS = ['#1558d6', '#3ba272', '#13a8a8', '#fac858', '#ee6666', '#73c0de', '#9a60b4', '#8c8c8c']

export default function Overview() {
  const { result, loading, reload } = useLoad(() => call('overviewGet'), [])
  const view = result?.ok ? result.value : null
  return (
    <>
      <PageHeader
        title="概览"
        sub={view ? `辖区 ${regionLabel(view.regionPrefix)} · ${view.month.replace('-', '年')}月 · 截至 ${view.today}` : undefined}
        extra={<Button onClick={() => void reload()}>刷新</Button>}
      />
      {result && !result.ok && <Alert type="error" showIcon message={result.message} style={{ marginBottom: 16 }} />}
      <Cards view={view} loading={loading} />
      {view && <Charts view={view} />}
    </>
  )
}

/**
 * A card's note from its parts (a label with its number): the line may break between parts, never inside
 * one, so 处理中 stays with its 0 and 未到期 is not cut (keep-all stops breaks between Chinese characters; the
 * spaces inside a part, and before each ·, are no-break ones, so a line never starts with ·). A part wider
 * than the card still wraps (overflow-wrap).
 */
function noteOf(...parts: string[]): string {
  return parts.map((p) => p.replace(/ /g, '\u00a0')).join('\u00a0· ')
}

function Cards({ view, loading }: { view: OverviewView | null; loading: boolean }) {
  const session = useSession()
  // 死亡/冲突待核实 is worked through on 静默认证, a 管理员 page.
  const admin = session.state === 'signed-in' && session.user.role === 'admin'
  const c = view?.counts
  const cards: { title: string; value: number | string | undefined; color?: string; to?: string; note?: string }[] = [
    { title: '领取待遇人数', value: c?.receiving, note: c ? noteOf(`名册共 ${c.persons.toLocaleString('zh-CN')} 人`) : undefined },
    { title: '本期已认证', value: c?.certified, color: '#237804' },
    { title: '本月待认证', value: c?.due, color: '#ad6800' },
    // Suspended by the agency before the deadline (roster, death signal) is not late: say so apart.
    {
      title: '逾期、暂停发放',
      value: c?.overdue,
      color: '#a8071a',
      to: '/overdue',
      note: c ? noteOf(`已逾期 ${(c.overdue - c.agencySuspended).toLocaleString('zh-CN')} 人`, `未到期机构暂停 ${c.agencySuspended.toLocaleString('zh-CN')} 人`) : undefined,
    },
    { title: '待人工审核', value: c?.pendingReview, to: '/reviews' },
    { title: '待处理申诉', value: c ? (c.appealsAvailable ? c.pendingAppeals : '暂未开放') : undefined, to: '/appeals', note: view?.appeals ? noteOf(`已提交 ${view.appeals.submitted}`, `处理中 ${view.appeals.processing}`, `已安排上门 ${view.appeals.visitScheduled}`, `超期 ${view.appeals.pastSla}`) : undefined },
    { title: '静默认证（本年）', value: view?.silent?.certifiedThisYear, to: admin ? '/signals' : undefined, note: view?.silent ? noteOf(`本月 ${view.silent.certifiedThisMonth} 人`, `死亡/冲突待核实 ${view.silent.openReviews} 人`) : undefined },
    { title: '专管员本年帮认证', value: view?.unitAdmins?.certifiedThisYear, note: view?.unitAdmins ? noteOf(`本月 ${view.unitAdmins.certifiedThisMonth} 次`, `在任专管员 ${view.unitAdmins.active} 人`) : undefined },
  ]
  return (
    <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
      {cards.map((card) => (
        <Col key={card.title} xs={12} lg={8} xl={6} xxl={4}>
          <Card
            loading={loading && !view}
            hoverable={!!card.to}
            onClick={card.to ? () => navigate(card.to!) : undefined}
            onKeyDown={card.to ? (e) => e.key === 'Enter' && navigate(card.to!) : undefined}
            tabIndex={card.to ? 0 : undefined}
            styles={{ body: { padding: 18 } }}
            data-testid={`overview-${card.title}`}
          >
            <Statistic title={<span style={{ fontSize: 15 }}>{card.title}</span>} value={card.value ?? '—'} valueStyle={{ color: card.color, fontSize: 30 }} groupSeparator="," />
            {card.note && (
              <Typography.Text className="yl-muted" style={{ wordBreak: 'keep-all', overflowWrap: 'anywhere' }}>
                {card.note}
              </Typography.Text>
            )}
          </Card>
        </Col>
      ))}
    </Row>
  )
}

function Charts({ view }: { view: OverviewView }) {
  const weekly = useMemo<ChartOption>(
    () => ({
      color: CHANNEL_COLORS,
      tooltip: { trigger: 'axis' },
      legend: { top: 0, textStyle: { fontSize: 14 } },
      grid: { left: 48, right: 16, top: 40, bottom: 32 },
      xAxis: { type: 'category', data: view.weekly.map((w) => w.weekStart.slice(5)), axisLabel: { fontSize: 13 } },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { fontSize: 13 } },
      series: OVERVIEW_CHANNELS.map((ch) => ({ name: OVERVIEW_CHANNEL_LABELS[ch], type: 'bar', stack: 'all', data: view.weekly.map((w) => w.counts[ch]) })),
    }),
    [view],
  )
  const coverage = useMemo<ChartOption>(() => {
    const rows = [...view.coverage].sort((a, b) => a.regionCode.localeCompare(b.regionCode))
    return {
      tooltip: { trigger: 'axis', formatter: (p: unknown) => {
        const i = (p as { dataIndex: number }[])[0].dataIndex
        const r = rows[i]
        return `${r.regionCode}：已认证 ${r.certified} / ${r.total} 人`
      } },
      grid: { left: 80, right: 48, top: 16, bottom: 32 },
      xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%', fontSize: 13 } },
      yAxis: { type: 'category', data: rows.map((r) => r.regionCode), axisLabel: { fontSize: 13 } },
      series: [{ type: 'bar', data: rows.map((r) => (r.total ? Math.round((r.certified / r.total) * 1000) / 10 : 0)), itemStyle: { color: '#3ba272' }, label: { show: true, position: 'right', formatter: '{c}%', fontSize: 13 } }],
    }
  }, [view])
  const trend = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0, textStyle: { fontSize: 13 } },
      grid: { left: 48, right: 16, top: 40, bottom: 32 },
      xAxis: { type: 'category', data: view.overdueTrend.map((t) => t.month), axisLabel: { fontSize: 13 } },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { fontSize: 13 } },
      // The total as the headline card counts it, and the agency's own suspensions apart (a dashed line with
      // triangles, so the two differ in more than colour).
      series: [
        { name: '逾期、暂停发放（合计）', type: 'line', data: view.overdueTrend.map((t) => t.overdue), itemStyle: { color: '#c23531' }, label: { show: true, fontSize: 13 }, symbolSize: 8 },
        {
          name: '其中未到期机构暂停',
          type: 'line',
          data: view.overdueTrend.map((t) => t.agencySuspended),
          itemStyle: { color: '#8a5a00' },
          lineStyle: { type: 'dashed' },
          symbol: 'triangle',
          // beside its point, and only when not 0 (mostly it is, and a second 0 would sit on the first)
          label: { show: true, position: 'right', fontSize: 13, formatter: (p: { value: unknown }) => (p.value ? String(p.value) : '') },
          symbolSize: 9,
        },
      ],
    }),
    [view],
  )
  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <Card title="每周认证通过人数（按渠道）">
          <EChart option={weekly} height={300} label="每周认证通过人数按渠道的柱状图" />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card title="各下级区划认证覆盖率（本期）">
          <EChart option={coverage} height={Math.max(220, view.coverage.length * 40 + 60)} label="各下级区划认证覆盖率" />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card title="逾期、暂停发放人数走势（每月初）">
          <EChart option={trend} height={280} label="逾期、暂停发放人数走势折线图" />
        </Card>
      </Col>
    </Row>
  )
}
