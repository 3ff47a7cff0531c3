/**
 * The shared taro-mock plus the page hooks the 家人 pages use (useShareAppMessage, useDidShow). Wire with
 *   jest.mock('@tarojs/taro', () => require('./taro-with-hooks'))
 */
import Taro from '../support/taro-mock'

export * from '../support/taro-mock'
export const useShareAppMessage = jest.fn()
export const useDidShow = jest.fn()
export const hooks = { useShareAppMessage, useDidShow }
export default Taro
