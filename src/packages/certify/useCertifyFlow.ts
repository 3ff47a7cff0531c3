/**
 * Binds the plain-TS CertifyController to the camera page: one controller per page, its FlowState in
 * React state (which changes only on prompt / hint / progress / stage events, never per frame), the
 * spoken prompts through PromptSpeaker, and the hand-over to the result page.
 */
import { useEffect, useRef, useState } from 'react'
import { createFaceSource } from '@/liveness/create-source'
import { createCameraSignal, type CameraSignal } from '@/liveness/weapp-source'
import { cancelCertification, completeCertification, isRetryableFailure, runIdentityStep } from '@/services/certification'
import { startCertificationFor } from '@/services/family'
import { currentParams, replacePage, ROUTES } from '@/services/navigation'
import { speak, stopSpeaking } from '@/services/speech'
import './prompt-audio'
import { CertifyController, type FlowState } from './flow/controller'
import { PromptSpeaker } from './flow/prompt-speaker'
import { saveResult } from './flow/result-store'
import { startEventFor, subjectFromParams, subjectQuery } from './flow/subject'
import type { Facing } from './flow/texts'

export const PREVIEW_ID = 'yl-camera-preview'


export interface CertifyFlow {
  state: FlowState
  controller: CertifyController
  speaker: PromptSpeaker
  camera: CameraSignal
  cameraKey: number
  /** Opens a new session with a fresh camera (after a refusal or a camera problem). */
  restart(): void
}

interface FlowHolder {
  controller: CertifyController
  speaker: PromptSpeaker
  /** Replaced on every restart: a new <Camera> (keyed by cameraKey) reports to a new signal. */
  camera: CameraSignal
}

export function useCertifyFlow(facing: Facing): CertifyFlow {
  const ref = useRef<FlowHolder | null>(null)
  if (ref.current === null) {
    // The queue waits for each sentence's end (or its estimated length) before the next one.
    const speaker = new PromptSpeaker({ speak: (t, done, started) => speak(t, { onEnd: done, onStart: started }).spoken, reportsStart: true })
    const holder = { camera: createCameraSignal() } as FlowHolder
    holder.speaker = speaker
    holder.controller = new CertifyController({
      // Whose certification: the 本人, or the relative / share card / notice named in the page query.
      start: () => startCertificationFor(startEventFor(subjectFromParams(currentParams()))),
      complete: completeCertification,
      createSource: () => createFaceSource({ facing, containerId: PREVIEW_ID, camera: holder.camera }),
      say: (text, kind) => speaker.say(text, kind),
      identityStep: (s) => runIdentityStep(s.identityStep),
      // A session left without a result is closed (the page's unmount disposes the controller).
      cancel: cancelCertification,
      isRetryable: isRetryableFailure,
    })
    ref.current = holder
  }
  const holder = ref.current
  const { controller, speaker } = holder
  const [state, setState] = useState<FlowState>(() => controller.getState())
  const [cameraKey, setCameraKey] = useState(0)

  useEffect(() => {
    const off = controller.subscribe(setState)
    void controller.begin()
    return () => {
      const leavingForResult = controller.getState().stage === 'done'
      off()
      controller.dispose()
      speaker.stop()
      // On the way to the result page, its own first sentence may already be playing: leave it be.
      if (!leavingForResult) stopSpeaking()
    }
  }, [controller, speaker])

  useEffect(() => {
    if (state.stage === 'done' && state.result) {
      saveResult(state.result)
      void replacePage(ROUTES.certifyResult, { r: state.result.recordId, ...subjectQuery(subjectFromParams(currentParams())) })
    }
  }, [state.stage, state.result])

  const restart = () => {
    holder.camera = createCameraSignal()
    setCameraKey((k) => k + 1)
    void controller.begin()
  }

  return { state, controller, speaker, camera: holder.camera, cameraKey, restart }
}
