/**
 * The @vladmandic/human settings every face reader of the project shares with the recorded traces the
 * engine was tuned on (made with Human 3.3.6, see __tests__/fixtures/liveness/PROVENANCE.md): blazeface
 * with rotation and up to 3 faces, mesh + iris (478 points), no frame-skip cache, no input filter,
 * every other model off. The H5 tracker reads the camera with them and the backend reads evidence
 * frames with them, so a frame gives the features the engine expects. Each adds only what it needs
 * on top (the backend: the face description used for matching).
 *
 * Plain data (no Human import here): the readers spread it into Human's Config.
 */
export const HUMAN_TRACE_SETTINGS = {
  cacheSensitivity: 0,
  face: {
    enabled: true,
    detector: { enabled: true, rotation: true, maxDetected: 3, return: false },
    mesh: { enabled: true },
    iris: { enabled: true },
    description: { enabled: false },
    attention: { enabled: false },
    emotion: { enabled: false },
    antispoof: { enabled: false },
    liveness: { enabled: false },
  },
  body: { enabled: false },
  hand: { enabled: false },
  object: { enabled: false },
  segmentation: { enabled: false },
  gesture: { enabled: false },
  filter: { enabled: false },
} as const
