import { agencyForRegion, AGENCIES, DEFAULT_AGENCY_NAME } from '../../../server/notices/agencies'

describe('the agency of a roster region', () => {
  it('each demo district has its own agency, with the national hotline by default', () => {
    expect(agencyForRegion('110101')).toEqual({ name: '北京市东城区社会保险事业管理中心', hotline: '12333' })
    expect(agencyForRegion('430102')).toEqual({ name: '长沙市芙蓉区社会保险服务中心', hotline: '12333' })
    expect(agencyForRegion('320102')).toEqual({ name: '南京市玄武区社会保险管理中心', hotline: '12333' })
  })

  it('the longest known prefix wins: another district of a known city gets the city’s agency', () => {
    expect(agencyForRegion('430105').name).toBe('长沙市社会保险服务中心')
    expect(agencyForRegion('110102').name).toBe('北京市社会保险事业管理中心')
  })

  it('an unknown or missing region gets the plain local agency and the configured hotline', () => {
    expect(agencyForRegion('650102', '0991-12333')).toEqual({ name: DEFAULT_AGENCY_NAME, hotline: '0991-12333' })
    expect(agencyForRegion(null)).toEqual({ name: DEFAULT_AGENCY_NAME, hotline: '12333' })
  })

  it('every prefix in the table is digits only (region codes are matched by prefix)', () => {
    for (const code of Object.keys(AGENCIES)) expect(code).toMatch(/^\d{2,12}$/)
  })
})
