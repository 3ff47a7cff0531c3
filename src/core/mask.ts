/**
 * Masking for everyone but a verified agency user: name 张*华, ID 430***********123X, phone 138****5678.
 * Works on code points so that rare characters outside the BMP are not split.
 */
export function maskName(name: string): string {
  const chars = Array.from(name.trim())
  if (chars.length <= 1) return chars.join('')
  if (chars.length === 2) return `${chars[0]}*`
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1]
}

/** Keeps the first 3 and last 4 characters: 430***********123X. */
export function maskIdNumber(id: string): string {
  const v = id.trim()
  if (v.length <= 7) return '*'.repeat(v.length)
  return v.slice(0, 3) + '*'.repeat(v.length - 7) + v.slice(-4)
}

/** Keeps the first 3 and last 4 digits of a mobile number: 138****5678. */
export function maskPhone(phone: string): string {
  const v = phone.replace(/\s+/g, '')
  if (v.length <= 7) return '*'.repeat(v.length)
  return v.slice(0, 3) + '*'.repeat(v.length - 7) + v.slice(-4)
}

/** Social security card numbers: keep the first 2 and last 2. */
export function maskCardNumber(card: string): string {
  const v = card.trim()
  if (v.length <= 4) return '*'.repeat(v.length)
  return v.slice(0, 2) + '*'.repeat(v.length - 4) + v.slice(-2)
}
