/**
 * The engine works on QUANTISED observations, so that the compact summary it records replays to
 * exactly the same decisions. Steps: time 1 ms, eye/mouth ratios 0.001, angles 0.1 deg, box 0.001,
 * luma 1.
 */
import type { Observation } from './types'

export const Q_RATIO = 1000
export const Q_ANGLE = 10
export const Q_BOX = 1000

// `+ 0` turns -0 into 0 so a JSON round trip changes nothing.
const q = (v: number, k: number): number => Math.round(v * k) / k + 0

/** Copy `src` into `dst` quantised (dst may be src). */
export function quantiseObservation(src: Observation, dst: Observation): Observation {
  dst.t = Math.round(src.t) + 0
  dst.faceCount = src.faceCount | 0
  dst.earLeft = q(src.earLeft, Q_RATIO)
  dst.earRight = q(src.earRight, Q_RATIO)
  dst.lidLeft = q(src.lidLeft, Q_RATIO)
  dst.lidRight = q(src.lidRight, Q_RATIO)
  dst.mouth = q(src.mouth, Q_RATIO)
  dst.yaw = q(src.yaw, Q_ANGLE)
  dst.pitch = q(src.pitch, Q_ANGLE)
  dst.roll = q(src.roll, Q_ANGLE)
  dst.boxX = q(src.boxX, Q_BOX)
  dst.boxY = q(src.boxY, Q_BOX)
  dst.boxW = q(src.boxW, Q_BOX)
  dst.boxH = q(src.boxH, Q_BOX)
  dst.faceSize = dst.boxW
  dst.eyeSpan = q(src.eyeSpan, Q_BOX)
  dst.noseDrop = q(src.noseDrop, Q_RATIO)
  dst.luma = Math.round(src.luma) + 0
  return dst
}
