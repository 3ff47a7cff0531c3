/** Taro APIs the certification pages use beyond the shared taro-mock (added onto the same object). */
import Taro from '@tarojs/taro'

export interface FakeAudio {
  src: string
  play: jest.Mock
  stop: jest.Mock
  onError: jest.Mock
  onEnded: jest.Mock
  played: string[]
}

export const extra = {
  redirectTo: jest.fn(async (_o: { url: string }) => ({ errMsg: 'redirectTo:ok' })),
  getCurrentInstance: jest.fn(() => ({ router: { params: {} as Record<string, string> } })),
  getSetting: jest.fn(async () => ({ authSetting: {} as Record<string, boolean> })),
  authorize: jest.fn(async (_o: { scope: string }) => ({ errMsg: 'authorize:ok' })),
  openSetting: jest.fn(async () => ({ authSetting: { 'scope.camera': true } as Record<string, boolean> })),
  setKeepScreenOn: jest.fn(async () => ({})),
  setInnerAudioOption: jest.fn(async () => ({})),
  createInnerAudioContext: jest.fn((): FakeAudio => {
    const a: FakeAudio = {
      src: '',
      played: [],
      play: jest.fn(() => a.played.push(a.src)),
      stop: jest.fn(),
      onError: jest.fn(),
      onEnded: jest.fn(),
    }
    audios.push(a)
    return a
  }),
}

export const audios: FakeAudio[] = []

export function installTaroExtra(params: Record<string, string> = {}): void {
  audios.length = 0
  for (const f of Object.values(extra)) f.mockClear()
  extra.getCurrentInstance.mockImplementation(() => ({ router: { params } }))
  extra.getSetting.mockImplementation(async () => ({ authSetting: {} }))
  extra.authorize.mockImplementation(async () => ({ errMsg: 'authorize:ok' }))
  extra.openSetting.mockImplementation(async () => ({ authSetting: { 'scope.camera': true } }))
  Object.assign(Taro as unknown as Record<string, unknown>, extra)
}
