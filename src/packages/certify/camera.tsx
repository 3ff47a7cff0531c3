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
import { useEffect, useState } from 'react'
import { Camera, Text, View } from '@tarojs/components'
import { ActionIllustration } from '@/components/ActionIllustration'
import { BulletList } from '@/components/BulletList'
import { BigButton } from '@/components/BigButton'
import { Countdown } from '@/components/Countdown'
import { ErrorBanner } from '@/components/ErrorBanner'
import { Notice } from '@/components/Notice'
import { useFontScale } from '@/hooks/useFontScale'
import { keepScreenOn, weappWindowHeight } from '@/services/device'
import { openCameraSettings } from '@/services/camera-permission'
import { backHome, currentParams, navigateTo, replacePage, ROUTES } from '@/services/navigation'
import { currentPlatform } from '@/services/platform'
import { cameraDensity } from './flow/camera-layout'
import { CHECKING, CHECKING_SAID, DONT_LEAVE, stepLabelParts } from './flow/camera-texts'
import type { FlowStage, FlowState } from './flow/controller'
import {
  CAMERA_UNAVAILABLE_BODY,
  CAMERA_UNAVAILABLE_TITLE,
  IDENTITY_INCOMPLETE_TITLE,
  LATER_WAYS,
  OFFLINE_WAYS,
  PERMISSION_DENIED_TITLE,
  PERMISSION_DENIED_TITLE_PHRASES,
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

/**
 * weapp speaks recorded clips only (no voice for other text yet): these clip sentences, which agree
 * with the weapp screen, go first there so those pages are not silent.
 */
const WEAPP_SAY_UNSUPPORTED = '这台手机暂时不能刷脸认证，可以到社区或经办机构办理'
const WEAPP_SAY_DENIED = '摄像头没有打开，请点击下面的按钮，在设置里允许使用摄像头'
const OTHER_WAY = '也可以换一种方式认证：'

/** Every sentence a stage shows outside the engine's steps (those the controller says), in order. */
function stageSentences(state: FlowState, platform: 'h5' | 'weapp'): string[] {
  const weapp = (clip: string) => (platform === 'weapp' ? [clip] : [])
  switch (state.stage) {
    case 'starting':
      return [state.prompt]
    case 'opening':
    case 'identity':
      return [state.prompt]
    case 'identity_incomplete':
      return [IDENTITY_INCOMPLETE_TITLE, state.prompt]
    case 'submitting':
      return [CHECKING_SAID]
    case 'submit_failed':
      return [SUBMIT_FAILED_TITLE, SUBMIT_FAILED_BODY, state.error?.message ?? '']
    case 'refused':
    case 'start_failed':
      return [state.error?.message ?? '']
    case 'camera_denied':
      return [...weapp(WEAPP_SAY_DENIED), PERMISSION_DENIED_TITLE, ...permissionDeniedSteps(platform)]
    case 'camera_unavailable':
      return [CAMERA_UNAVAILABLE_TITLE, CAMERA_UNAVAILABLE_BODY, OTHER_WAY, ...OFFLINE_WAYS]
    case 'unsupported':
      return [...weapp(WEAPP_SAY_UNSUPPORTED), UNSUPPORTED_TITLE, UNSUPPORTED_BODY, ...OFFLINE_WAYS, ...LATER_WAYS]
    default:
      return []
  }
}

/** The window's height in CSS px, followed on resize and zoom (H5); weapp asks once. */
function useWindowHeight(platform: 'h5' | 'weapp'): number {
  const read = () => {
    try {
      if (platform === 'h5') return typeof window !== 'undefined' ? window.innerHeight : 0
      return weappWindowHeight()
    } catch {
      return 0
    }
  }
  const [h, setH] = useState(read)
  useEffect(() => {
    if (platform !== 'h5' || typeof window === 'undefined') return
    const on = () => setH(window.innerHeight)
    window.addEventListener('resize', on)
    return () => window.removeEventListener('resize', on)
  }, [platform])
  return h
}

function WaysList({ items, testId }: { items: readonly string[]; testId: string }) {
  return (
    <BulletList className='yl-cam__ways' items={items} testId={testId} />
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
  const density = cameraDensity(useWindowHeight(platform), scale)

  // Say every sentence the stage shows (the engine's steps and hints are said by the controller).
  const sentences = stageSentences(state, platform).filter(Boolean)
  const sentenceKey = `${stage}|${sentences.join('|')}`
  useEffect(() => {
    // Passing states (正在准备…, 正在核验) never hold back what follows them; once the actions are
    // over, their leftover sentences give way at once.
    const passing = stage === 'starting' || stage === 'opening' || stage === 'submitting'
    if (sentences.length > 0) speaker.say(sentences, passing ? 'status' : 'prompt', { interrupt: stage === 'submitting' })
    // sentenceKey stands for the sentences: said again only when they change
  }, [sentenceKey, speaker])

  // Keep the screen on while the camera runs (weapp; a no-op elsewhere).
  useEffect(() => {
    if (!showCamera) return
    keepScreenOn(true)
    return () => keepScreenOn(false)
  }, [showCamera])

  const onOpenSettings = () => {
    void openCameraSettings().then((p) => {
      if (p === 'granted' || platform === 'h5') restart()
    })
  }

  return (
    <View
      className={`yl-cam${showCamera ? ` yl-cam--live yl-cam--${density}` : ''}`}
      style={{ '--yl-scale': String(scale) } as Record<string, string>}
      data-testid='camera-page'
      data-stage={stage}
      data-density={density}
    >
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
          <Text className='yl-cam__prompt' data-testid='prompt'>
            {state.prompt}
          </Text>
          <ActionIllustration action={state.action} mirrored={facing === 'front'} compact={density === 'tight'} />
          {state.retry ? <Text className='yl-cam__retry'>不着急，再做一次</Text> : null}
          <Text className={`yl-cam__hint${state.hint ? '' : ' yl-cam__hint--empty'}`} data-testid='hint'>
            {state.hint ? `⚠ ${state.hint}` : ' '}
          </Text>
          {stage === 'action' ? (
            <View className='yl-cam__progress'>
              <Text className='yl-cam__step' data-testid='progress'>
                {/* Breaks only after the comma when the line is narrow (never before a lone 个). */}
                {stepLabelParts(Math.min(state.done + 1, state.total), state.total).map((part) => (
                  <Text className='yl-cam__nobr' key={part}>
                    {part}
                  </Text>
                ))}
              </Text>
              <Countdown key={`${state.stepStartedAt}`} startedAt={state.stepStartedAt} durationMs={state.stepMs} onWords={(w) => speaker.say(w, 'info')} />
            </View>
          ) : null}
          <View className='yl-cam__buttons'>
            <BigButton label='再说一遍' variant='secondary' onClick={() => speaker.repeat()} testId='repeat' />
          </View>
        </View>
      ) : null}

      {stage === 'starting' || stage === 'opening' || stage === 'identity' ? (
        <View className='yl-cam__panel'>
          <Text className='yl-cam__prompt' data-testid='prompt'>
            {state.prompt}
          </Text>
        </View>
      ) : null}

      {stage === 'submitting' || stage === 'done' ? (
        // Still 正在核验 while the result page opens: nothing new to read or hear for a moment.
        <View className='yl-cam__panel' data-testid='submitting'>
          <Text className='yl-cam__prompt'>{CHECKING}</Text>
          <Text className='yl-cam__hint'>{DONT_LEAVE}</Text>
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
          <Notice title={PERMISSION_DENIED_TITLE_PHRASES}>
            {permissionDeniedSteps(platform).map((s) => (
              <Text className='yl-cam__line' key={s}>
                {s}
              </Text>
            ))}
          </Notice>
          <BigButton label={platform === 'h5' ? '重新检查' : ['去打开', '摄像头权限']} size='main' onClick={onOpenSettings} testId='open-settings' />
          <BigButton label='返回' variant='secondary' onClick={() => void replacePage(ROUTES.certify)} />
        </View>
      ) : null}

      {stage === 'camera_unavailable' ? (
        <View className='yl-cam__panel' data-testid='camera-unavailable'>
          <Notice title={CAMERA_UNAVAILABLE_TITLE}>
            <Text>{CAMERA_UNAVAILABLE_BODY}</Text>
          </Notice>
          <BigButton label='重新开始' size='main' onClick={restart} testId='restart' />
          <Text className='yl-cam__line'>{OTHER_WAY}</Text>
          <WaysList items={OFFLINE_WAYS} testId='offline-ways' />
          <BigButton label='返回首页' variant='secondary' onClick={() => void backHome()} />
        </View>
      ) : null}

      {stage === 'identity_incomplete' ? (
        // WeChat's 人脸核身 did not finish: nothing was sent, so this is not a failed certification.
        <View className='yl-cam__panel' data-testid='identity-incomplete'>
          <Notice title={IDENTITY_INCOMPLETE_TITLE}>
            <Text>{state.prompt}</Text>
          </Notice>
          <BigButton label='再试一次' size='main' onClick={restart} testId='restart' />
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

    </View>
  )
}
