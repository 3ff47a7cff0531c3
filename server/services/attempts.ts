/**
 * The guard around every check of identity details (name + ID number, card number, 电子社保卡
 * authorisation). Before the check it takes a unit of the account's limits and, once the ID number
 * is known, of that ID number's daily limit across all accounts (services/limits.ts); a failed
 * check keeps them, anything else gives them back. Refusals come before the roster is read, so they
 * are the same whether the number is on the roster or not.
 */
import type { ErrorCode } from '../../src/core/errors'
import type { ServiceContext } from './context'
import { ACCOUNT_FAILED_CHECKS, Held, ID_NUMBER_FAILED_CHECKS, takeOrRefuse, type LimitRule, type OnRefused } from './limits'

export class IdentityCheck {
  private readonly held: Held

  private constructor(
    private readonly ctx: ServiceContext,
    private readonly onRefused?: OnRefused,
  ) {
    this.held = new Held(ctx.db)
  }

  /**
   * Takes a unit of each of the account's `rules` (by default its failed-check limit); RATE_LIMITED
   * when one is used up. With `everyAttemptCounts` those units are never given back.
   */
  static async begin(
    ctx: ServiceContext,
    accountId: string,
    opts: { rules?: readonly LimitRule[]; everyAttemptCounts?: boolean; onRefused?: OnRefused } = {},
  ): Promise<IdentityCheck> {
    const check = new IdentityCheck(ctx, opts.onRefused)
    await check.takeOrRefuse(`account:${accountId}`, opts.rules ?? [ACCOUNT_FAILED_CHECKS], 'RATE_LIMITED')
    if (opts.everyAttemptCounts) check.held.keep()
    return check
  }

  /** Takes a unit of the ID number's daily limit (by its keyed hash); ID_NUMBER_CHECKS_LIMITED when used up. */
  async atIdNumber(idHash: string): Promise<void> {
    await this.takeOrRefuse(`id:${idHash}`, [ID_NUMBER_FAILED_CHECKS], 'ID_NUMBER_CHECKS_LIMITED')
  }

  /** The check failed: the units stay taken. */
  failed(): void {
    this.held.keep()
  }

  /** The check passed, or never ran (bad input, a service down): nothing counts. */
  async notCounted(): Promise<void> {
    await this.held.giveBack()
  }

  private async takeOrRefuse(subject: string, rules: readonly LimitRule[], code: ErrorCode): Promise<void> {
    await takeOrRefuse(this.ctx.db, this.ctx.clock(), this.held, subject, rules, code, this.onRefused)
  }
}
