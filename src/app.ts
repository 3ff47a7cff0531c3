import { type PropsWithChildren } from 'react'
import { useLaunch } from '@tarojs/taro'
import { initCloud } from '@/services/transport/cloud'
import { currentPlatform } from '@/services/platform'
import './app.scss'

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    // weapp: initialise the cloud SDK once (env from the WEAPP_CLOUD_ENV build constant).
    if (currentPlatform() === 'weapp') initCloud()
  })
  return children
}

export default App
