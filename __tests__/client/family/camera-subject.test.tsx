/** The subject travels to 开始认证: the camera page's query names it; the 本人 case sends {} as before. */
jest.mock('@tarojs/taro', () => require('./taro-with-hooks'))
jest.mock('@tarojs/components', () => {
  const base = jest.requireActual('../support/components-mock')
  const React = jest.requireActual('react')
  return { ...base, Camera: () => React.createElement('div', { 'data-testid': 'wx-camera' }) }
})
jest.mock('@/liveness/create-source', () => ({ createFaceSource: jest.fn(() => new Promise(() => undefined)) }))

import { render, waitFor } from '@testing-library/react'
import CameraPage from '@/packages/certify/camera'
import { startEventFor, subjectFromParams, subjectQuery, subjectWellFormed } from '@/packages/certify/flow/subject'
import { ok, useFakeCloud } from '../support/fake-cloud'
import { session } from '../certify/support'
import { NOTICE_CODE, REL_FATHER, setup, TOKEN } from './support'

describe('camera page → startCertification', () => {
  test.each([
    [{ facing: 'back', relative: REL_FATHER }, { relativeId: REL_FATHER }],
    [{ facing: 'front', share: TOKEN }, { shareToken: TOKEN }],
    [{ facing: 'front', notice: NOTICE_CODE }, { noticeCode: NOTICE_CODE }],
    [{ facing: 'front' }, {}],
  ])('%j → %j', async (params, event) => {
    setup(params)
    const start = jest.fn(() => ok(session(['blink'])))
    useFakeCloud({ startCertification: start })
    render(<CameraPage />)
    await waitFor(() => expect(start).toHaveBeenCalledTimes(1))
    expect(start).toHaveBeenCalledWith(event)
  })
})

describe('subject helpers', () => {
  test('share wins over scene and relative; a scene is parsed in either form', () => {
    expect(subjectFromParams({ share: TOKEN, relative: REL_FATHER })).toEqual({ kind: 'share', token: TOKEN })
    expect(subjectFromParams({ scene: `n%3D${NOTICE_CODE}` })).toEqual({ kind: 'notice', code: NOTICE_CODE })
    expect(subjectFromParams({ scene: `n=${NOTICE_CODE}` })).toEqual({ kind: 'notice', code: NOTICE_CODE })
    expect(subjectFromParams({ scene: 'x=1' })).toEqual({ kind: 'notice', code: '' })
    expect(subjectFromParams({ facing: 'back' })).toEqual({ kind: 'self' })
  })

  test('well-formedness and the query carry only the opaque reference', () => {
    expect(subjectWellFormed({ kind: 'share', token: 'nope' })).toBe(false)
    expect(subjectWellFormed({ kind: 'relative', relativeId: '李建国' })).toBe(false)
    expect(subjectWellFormed({ kind: 'notice', code: NOTICE_CODE })).toBe(true)
    expect(subjectQuery({ kind: 'relative', relativeId: REL_FATHER })).toEqual({ relative: REL_FATHER })
    expect(subjectQuery({ kind: 'self' })).toEqual({})
    expect(startEventFor({ kind: 'notice', code: NOTICE_CODE })).toEqual({ noticeCode: NOTICE_CODE })
  })
})
