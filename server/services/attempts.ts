/**
 * The guard around every check of identity details (name + ID number, card number, 电子社保卡
 * authorisation). Before the check it takes a unit of the account's limits and, once the ID number
 * is known, of that ID number's daily limit across all accounts (services/limits.ts); a failed
 * check keeps them, anything else gives them back. Account refusals come before the roster is read,
 * so they are the same whether the number is on the roster or not.
 *
 * The ID number's limit is different: once it is used up, the check still runs, the right details
 * still pass, and every wrong attempt is answered ID_NUMBER_CHECKS_LIMITED (never 未找到 / 不一致).
 * Probing one number stays capped, but nobody can lock a retiree out of her own binding for the day
 * by failing ten times with her ID number.
 */
import type { ErrorCode } from '../../src/core/errors'
import type { ServiceContext } from './context'
import { DomainError } from '../../src/core/errors'
import { ACCOUNT_FAILED_CHECKS, Held, ID_NUMBER_FAILED_CHECKS, take, takeOrRefuse, type LimitRule, type OnRefused } from './limits'

export class IdentityCheck {
  private readonly held: Held
  /** The ID number's daily limit was already used up when the check began. */
  private idLimitFull: LimitRule | null = null

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

  /** Takes a unit of the ID number's daily limit (by its keyed hash); when it is used up, failed() says so. */
  async atIdNumber(idHash: string): Promise<void> {
    this.idLimitFull = await take(this.ctx.db, this.ctx.clock(), this.held, `id:${idHash}`, [ID_NUMBER_FAILED_CHECKS])
  }

  /**
   * The check failed: the units stay taken. Over the ID number's daily limit the failure is answered
   * ID_NUMBER_CHECKS_LIMITED instead of its reason (thrown here), so the answer says nothing about
   * the roster.
   */
  async failed(): Promise<void> {
    this.held.keep()
    const full = this.idLimitFull
    if (!full) return
    await this.onRefused?.('ID_NUMBER_CHECKS_LIMITED', full)
    throw new DomainError('ID_NUMBER_CHECKS_LIMITED')
  }

  /** The check passed, or never ran (bad input, a service down): nothing counts. */
  async notCounted(): Promise<void> {
    await this.held.giveBack()
  }

  private async takeOrRefuse(subject: string, rules: readonly LimitRule[], code: ErrorCode): Promise<void> {
    await takeOrRefuse(this.ctx.db, this.ctx.clock(), this.held, subject, rules, code, this.onRefused)
  }
}
