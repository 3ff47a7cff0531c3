/**
 * Developer-only calibration page (subpackage packages/dev): draws the 106 VisionKit point indices
 * over the live face and records a face-trace/1 file, so the visionkit-106 index table and angle signs
 * can be checked on a real phone. Procedure: docs/liveness-calibration.md.
 */
import { Button, Camera, Canvas, Text, View } from '@tarojs/components'
import { useReady, useUnload } from '@tarojs/taro'
import { useRef, useState } from 'react'
import type { TrackerFrame } from '@/core/liveness/types'
import { drawFace, getOverlayCanvas, saveUserFile, startFaceTracking, type FaceTracking } from '@/liveness/visionkit'
import { readout, TraceRecorder } from './calibrate-model'
import './index.scss'

type Overlay = Awaited<ReturnType<typeof getOverlayCanvas>>

export default function CalibratePage() {
  const [recording, setRecording] = useState(false)
  const [labels, setLabels] = useState(true)
  const [info, setInfo] = useState('请在真机上打开本页')
  const [saved, setSaved] = useState('')
  const [frames, setFrames] = useState(0)
  const tracking = useRef<FaceTracking | null>(null)
  const overlay = useRef<Overlay>(null)
  const recorder = useRef(new TraceRecorder())
  const state = useRef({ recording: false, labels: true, lastUi: 0 })

  const onFrame = (frame: TrackerFrame, size: { width: number; height: number }) => {
    const s = state.current
    if (s.recording) recorder.current.add(frame, size)
    if (overlay.current) drawFace(overlay.current, frame.faces[0], s.labels, true)
    // text updates at ~4 Hz only: never push frames or points through setData
    if (frame.t - s.lastUi > 250) {
      s.lastUi = frame.t
      setInfo(readout(frame, size))
      setFrames(recorder.current.frames)
    }
  }

  useReady(() => {
    void getOverlayCanvas('#yl-calibrate-overlay').then((c) => {
      overlay.current = c
    })
    tracking.current = startFaceTracking({ everyNth: 2, onFrame, onError: setInfo })
  })

  useUnload(() => tracking.current?.stop())

  const toggleRecording = () => {
    if (!state.current.recording) {
      recorder.current.clear()
      state.current.recording = true
      setRecording(true)
      setSaved('')
      return
    }
    state.current.recording = false
    setRecording(false)
    const name = `face-trace-${Date.now()}.jsonl`
    saveUserFile(name, recorder.current.text(name))
      .then((path) => setSaved(`已保存：${path}（${recorder.current.frames} 帧）`))
      .catch((e: Error) => setSaved(`保存失败：${e.message}`))
  }

  const toggleLabels = () => {
    state.current.labels = !state.current.labels
    setLabels(state.current.labels)
  }

  return (
    <View className='yl-calibrate'>
      <View className='yl-calibrate__stage'>
        <Camera className='yl-calibrate__camera' devicePosition='front' frameSize='small' resolution='medium' flash='off' />
        <Canvas type='2d' id='yl-calibrate-overlay' className='yl-calibrate__overlay' />
      </View>
      <Text className='yl-calibrate__info'>{info}</Text>
      <Text className='yl-calibrate__info'>{recording ? `录制中：${frames} 帧` : saved || '未录制'}</Text>
      <View className='yl-calibrate__buttons'>
        <Button className='yl-calibrate__button' onClick={toggleRecording}>
          {recording ? '停止并保存' : '开始录制'}
        </Button>
        <Button className='yl-calibrate__button' onClick={toggleLabels}>
          {labels ? '隐藏编号' : '显示编号'}
        </Button>
      </View>
    </View>
  )
}
