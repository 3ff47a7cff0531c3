/** The three basic pension insurance schemes a retiree can draw from. */
export const INSURANCE_TYPES = ['enterprise', 'institution', 'resident'] as const
export type InsuranceType = (typeof INSURANCE_TYPES)[number]

export const INSURANCE_LABELS: Record<InsuranceType, string> = {
  enterprise: '企业职工基本养老保险',
  institution: '机关事业单位养老保险',
  resident: '城乡居民基本养老保险',
}

const BY_LABEL = new Map<string, InsuranceType>(INSURANCE_TYPES.map((t) => [INSURANCE_LABELS[t], t]))

export function isInsuranceType(value: unknown): value is InsuranceType {
  return typeof value === 'string' && (INSURANCE_TYPES as readonly string[]).includes(value)
}

/** Accepts either the code or the full Chinese name (as printed in roster exports). */
export function parseInsuranceType(value: string): InsuranceType | undefined {
  const v = value.trim()
  return isInsuranceType(v) ? v : BY_LABEL.get(v)
}
