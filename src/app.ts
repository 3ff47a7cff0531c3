import { type PropsWithChildren } from 'react'
import { useLaunch } from '@tarojs/taro'
import { initCloud } from '@/services/transport/cloud'
import { currentPlatform } from '@/services/platform'
import './app.scss'

// Focus rings and the inner input's placeholder exist only in the browser; webpack drops this
// branch from the weapp build.
if (process.env.TARO_ENV === 'h5') require('./styles/browser.h5.scss')

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    // weapp: initialise the cloud SDK once (env from the WEAPP_CLOUD_ENV build constant).
    if (currentPlatform() === 'weapp') initCloud()
  })
  return children
}

export default App
