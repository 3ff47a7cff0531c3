import { type PropsWithChildren } from 'react'
import { useLaunch } from '@tarojs/taro'
import { initCloud } from '@/services/transport/cloud'
import { currentPlatform } from '@/services/platform'
import './app.scss'

// Focus rings are a keyboard matter of the browser build; webpack drops this branch from weapp.
if (process.env.TARO_ENV === 'h5') require('./styles/focus.h5.scss')

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    // weapp: initialise the cloud SDK once (env from the WEAPP_CLOUD_ENV build constant).
    if (currentPlatform() === 'weapp') initCloud()
  })
  return children
}

export default App
