/**
 * The camera page: preview with an oval guide, one large animated illustration per action, big prompt
 * text, coaching hint, a calm per-action countdown, and every prompt spoken. The flow itself is the
 * plain-TS CertifyController (flow/controller.ts); this page only renders its FlowState, which changes
 * on prompt / hint / progress / stage events — frames and points never reach React state or setData.
 *
 * weapp: Taro <Camera frameSize="small" devicePosition> (same-layer rendering, so Views can overlay it)
 * reports to the CameraSignal the weapp FaceSource waits for. H5: Taro's <Camera> does nothing there;
 * the H5 FaceSource puts its own <video> into the preview View (id PREVIEW_ID).
 */
import { useEffect } from 'react'
import Taro from '@tarojs/taro'
import { Camera, Text, View } from '@tarojs/components'
import { ActionIllustration } from '@/components/ActionIllustration'
import { BigButton } from '@/components/BigButton'
import { Countdown } from '@/components/Countdown'
import { ErrorBanner } from '@/components/ErrorBanner'
import { Notice } from '@/components/Notice'
import { useFontScale } from '@/hooks/useFontScale'
import { openCameraSettings } from '@/services/camera-permission'
import { backHome, currentParams, navigateTo, replacePage, ROUTES } from '@/services/navigation'
import { currentPlatform } from '@/services/platform'
import type { FlowStage } from './flow/controller'
import {
  CAMERA_UNAVAILABLE_BODY,
  CAMERA_UNAVAILABLE_TITLE,
  LATER_WAYS,
  OFFLINE_WAYS,
  PERMISSION_DENIED_TITLE,
  permissionDeniedSteps,
  SUBMIT_FAILED_BODY,
  SUBMIT_FAILED_TITLE,
  UNSUPPORTED_BODY,
  UNSUPPORTED_TITLE,
  type Facing,
} from './flow/texts'
import { PREVIEW_ID, useCertifyFlow } from './useCertifyFlow'
import './camera.scss'

const CAMERA_STAGES: ReadonlySet<FlowStage> = new Set<FlowStage>(['starting', 'opening', 'positioning', 'action', 'submitting'])

/** Phrases with recorded clips (spoken on weapp too). */
const SAY_UNSUPPORTED = '这台手机暂时不能刷脸认证，可以到社区或经办机构办理'
const SAY_DENIED = '摄像头没有打开，请点击下面的按钮，在设置里允许使用摄像头'
const SAY_READY = '准备开始，请看着屏幕，按提示做动作'
const SAY_CHECKING = '正在核验，请稍等'

function WaysList({ items, testId }: { items: readonly string[]; testId: string }) {
  return (
    <View className='yl-cam__ways' data-testid={testId}>
      {items.map((t) => (
        <Text className='yl-cam__way' key={t}>
          · {t}
        </Text>
      ))}
    </View>
  )
}

export default function CameraPage() {
  const facing: Facing = currentParams().facing === 'back' ? 'back' : 'front'
  const { state, controller, speaker, camera, cameraKey, restart } = useCertifyFlow(facing)
  const scale = useFontScale()
  const platform = currentPlatform()
  const stage = state.stage
  const showCamera = CAMERA_STAGES.has(stage)
  const tracking = stage === 'positioning' || stage === 'action'

  // Say the few fixed stage sentences (prompts and hints are said by the controller).
  useEffect(() => {
    if (stage === 'opening') speaker.say(SAY_READY, 'prompt')
    else if (stage === 'unsupported') speaker.say(SAY_UNSUPPORTED, 'prompt')
    else if (stage === 'camera_denied') speaker.say(SAY_DENIED, 'prompt')
    else if (stage === 'submitting') speaker.say(SAY_CHECKING, 'hint')
    else if (stage === 'refused' || stage === 'start_failed' || stage === 'submit_failed') {
      if (state.error) speaker.say(state.error.message, 'prompt')
    }
  }, [stage, state.error, speaker])

  // Keep the screen on while the camera runs (weapp; a no-op elsewhere).
  useEffect(() => {
    if (!showCamera) return
    const t = Taro as unknown as { setKeepScreenOn?: (o: { keepScreenOn: boolean }) => unknown }
    try {
      void Promise.resolve(t.setKeepScreenOn?.({ keepScreenOn: true })).catch(() => undefined)
    } catch {
      // not available
    }
    return () => {
      try {
        void Promise.resolve(t.setKeepScreenOn?.({ keepScreenOn: false })).catch(() => undefined)
      } catch {
        // not available
      }
    }
  }, [showCamera])

  const onOpenSettings = () => {
    void openCameraSettings().then((p) => {
      if (p === 'granted' || platform === 'h5') restart()
    })
  }

  return (
    <View className='yl-cam' style={{ '--yl-scale': String(scale) } as Record<string, string>} data-testid='camera-page' data-stage={stage}>
      {showCamera ? (
        <View className={`yl-cam__preview yl-cam__preview--${facing}`}>
          {platform === 'h5' ? (
            <View id={PREVIEW_ID} className='yl-cam__video' />
          ) : (
            <Camera
              key={cameraKey}
              className='yl-cam__video'
              devicePosition={facing}
              frameSize='small'
              resolution='medium'
              flash='off'
              onInitDone={() => camera.ready()}
              onError={() => camera.denied()}
              onStop={() => camera.stopped()}
            />
          )}
          <View className={`yl-cam__guide${tracking && !state.hint ? ' yl-cam__guide--ok' : ''}`} data-testid='guide-box' />
        </View>
      ) : null}

      {tracking ? (
        <View className='yl-cam__panel' data-testid='prompt-panel'>
          <ActionIllustration action={state.action} mirrored={facing === 'front'} />
          <Text className='yl-cam__prompt' data-testid='prompt'>
            {state.prompt}
          </Text>
          {state.retry ? <Text className='yl-cam__retry'>不着急，再做一次</Text> : null}
          <Text className='yl-cam__hint' data-testid='hint'>
            {state.hint ? `⚠ ${state.hint}` : ' '}
          </Text>
          {stage === 'action' ? (
            <View className='yl-cam__progress'>
              <Text className='yl-cam__step' data-testid='progress'>
                第 {Math.min(state.done + 1, state.total)} 个动作，共 {state.total} 个
              </Text>
              <Countdown key={`${state.stepStartedAt}`} startedAt={state.stepStartedAt} durationMs={state.stepMs} />
            </View>
          ) : null}
          <View className='yl-cam__buttons'>
            <BigButton label='再说一遍' variant='secondary' onClick={() => speaker.repeat()} testId='repeat' />
          </View>
        </View>
      ) : null}

      {stage === 'starting' || stage === 'opening' ? (
        <View className='yl-cam__panel'>
          <Text className='yl-cam__prompt' data-testid='prompt'>
            {state.prompt}
          </Text>
        </View>
      ) : null}

      {stage === 'submitting' ? (
        <View className='yl-cam__panel' data-testid='submitting'>
          <Text className='yl-cam__prompt'>正在核验，请稍等</Text>
          <Text className='yl-cam__hint'>请不要退出</Text>
        </View>
      ) : null}

      {stage === 'submit_failed' && state.error ? (
        <View className='yl-cam__panel' data-testid='submit-failed'>
          <Notice title={SUBMIT_FAILED_TITLE}>
            <Text>{SUBMIT_FAILED_BODY}</Text>
          </Notice>
          <ErrorBanner error={state.error} onRetry={() => void controller.retrySubmit()} retryLabel='重试' />
        </View>
      ) : null}

      {stage === 'refused' || stage === 'start_failed' ? (
        <View className='yl-cam__panel' data-testid='refused'>
          {state.error ? <ErrorBanner error={state.error} /> : null}
          {state.error?.code === 'NOT_BOUND' ? (
            <BigButton label='绑定社保卡' size='main' onClick={() => void navigateTo(ROUTES.bind)} testId='go-bind' />
          ) : (
            <BigButton label='重新开始' size='main' onClick={restart} testId='restart' />
          )}
          <BigButton label='返回首页' variant='secondary' onClick={() => void backHome()} />
        </View>
      ) : null}

      {stage === 'camera_denied' ? (
        <View className='yl-cam__panel' data-testid='camera-denied'>
          <Notice title={PERMISSION_DENIED_TITLE}>
            {permissionDeniedSteps(platform).map((s) => (
              <Text className='yl-cam__line' key={s}>
                {s}
              </Text>
            ))}
          </Notice>
          <BigButton label={platform === 'h5' ? '重新检查' : '去打开摄像头权限'} size='main' onClick={onOpenSettings} testId='open-settings' />
          <BigButton label='返回' variant='secondary' onClick={() => void replacePage(ROUTES.certify)} />
        </View>
      ) : null}

      {stage === 'camera_unavailable' ? (
        <View className='yl-cam__panel' data-testid='camera-unavailable'>
          <Notice title={CAMERA_UNAVAILABLE_TITLE}>
            <Text>{CAMERA_UNAVAILABLE_BODY}</Text>
          </Notice>
          <BigButton label='重新开始' size='main' onClick={restart} testId='restart' />
          <Text className='yl-cam__line'>也可以换一种方式认证：</Text>
          <WaysList items={OFFLINE_WAYS} testId='offline-ways' />
          <BigButton label='返回首页' variant='secondary' onClick={() => void backHome()} />
        </View>
      ) : null}

      {stage === 'unsupported' ? (
        <View className='yl-cam__panel' data-testid='unsupported'>
          <Notice title={UNSUPPORTED_TITLE}>
            <Text>{UNSUPPORTED_BODY}</Text>
          </Notice>
          <WaysList items={[...OFFLINE_WAYS, ...LATER_WAYS]} testId='offline-ways' />
          <BigButton label='返回首页' size='main' onClick={() => void backHome()} testId='home' />
        </View>
      ) : null}

      {stage === 'done' ? (
        <View className='yl-cam__panel'>
          <Text className='yl-cam__prompt'>正在打开认证结果…</Text>
        </View>
      ) : null}
    </View>
  )
}
