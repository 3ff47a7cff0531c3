/**
 * The console's pages: path, menu label, who sees it, and the page itself (loaded on demand so the
 * sign-in page does not pull ECharts or the tables).
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react'
import { REVIEW_ROLES, type AgencyRole } from '../../../src/core/contracts/agency'

export interface PageProps {
  params: Record<string, string>
}

export interface PageEntry {
  path: string
  /** Menu label; pages without one (details) are reached from another page. */
  label?: string
  /** The menu entry highlighted on this page. */
  menu: string
  roles?: readonly AgencyRole[]
  component: LazyExoticComponent<ComponentType<PageProps>>
}

const page = (load: () => Promise<{ default: ComponentType<PageProps> }>) => lazy(load)

export const PAGES: PageEntry[] = [
  { path: '/', label: '概览', menu: '/', component: page(() => import('./Overview')) },
  { path: '/persons', label: '人员查询', menu: '/persons', component: page(() => import('./Persons')) },
  { path: '/persons/:personId', menu: '/persons', component: page(() => import('./PersonDetail')) },
  { path: '/reviews', label: '人工审核', menu: '/reviews', roles: ['reviewer', 'admin'], component: page(() => import('./Reviews')) },
  { path: '/reviews/:recordId', menu: '/reviews', roles: ['reviewer', 'admin'], component: page(() => import('./ReviewDetail')) },
  { path: '/appeals', label: '申诉 / 上门认证', menu: '/appeals', component: page(() => import('./Appeals')) },
  { path: '/appeals/:appealId', menu: '/appeals', component: page(() => import('./AppealsDetail')) },
  { path: '/offline', label: '线下认证登记', menu: '/offline', component: page(() => import('./Offline')) },
  { path: '/overdue', label: '逾期名单', menu: '/overdue', component: page(() => import('./Overdue')) },
  { path: '/exports', label: '结果导出', menu: '/exports', roles: REVIEW_ROLES, component: page(() => import('./Exports')) },
  { path: '/roster', label: '名册导入', menu: '/roster', roles: ['admin'], component: page(() => import('./Roster')) },
  { path: '/signals', label: '静默认证', menu: '/signals', roles: ['admin'], component: page(() => import('./Signals')) },
  { path: '/unit-admins', label: '单位专管员', menu: '/unit-admins', roles: ['admin'], component: page(() => import('./UnitAdmins')) },
  { path: '/users', label: '账号管理', menu: '/users', roles: ['admin'], component: page(() => import('./Users')) },
]
