/** manual-review: nothing automatic. Every completed session waits for an agency decision. */
import type { IdentityClientStep, IdentityOutcome, IdentityVerifier } from './port'

export class ManualReviewVerifier implements IdentityVerifier {
  readonly kind = 'manual-review' as const
  readonly needsEvidenceFrames = false

  async prepare(): Promise<IdentityClientStep> {
    return { kind: 'none' }
  }

  async verify(): Promise<IdentityOutcome> {
    return { outcome: 'pending_review', reason: 'agency_policy' }
  }
}
