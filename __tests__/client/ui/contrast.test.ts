import fs from 'node:fs'
import path from 'node:path'
import { contrastRatio, FONT_BODY_PX, PALETTE, TEXT_PAIRS, UI_PAIRS } from '@/styles/tokens'

describe('palette contrast (WCAG 2.x)', () => {
  test.each(TEXT_PAIRS.map(([fg, bg, use]) => [use, fg, bg] as const))('%s (%s on %s) ≥ 4.5:1', (_use, fg, bg) => {
    expect(contrastRatio(PALETTE[fg], PALETTE[bg])).toBeGreaterThanOrEqual(4.5)
  })

  test.each(UI_PAIRS.map(([fg, bg, use]) => [use, fg, bg] as const))('%s (%s on %s) ≥ 3:1', (_use, fg, bg) => {
    expect(contrastRatio(PALETTE[fg], PALETTE[bg])).toBeGreaterThanOrEqual(3)
  })

  test('the ratio function matches known values', () => {
    expect(contrastRatio('#000000', '#FFFFFF')).toBeCloseTo(21, 5)
    expect(contrastRatio('#777777', '#FFFFFF')).toBeCloseTo(4.48, 2)
  })

  test('_tokens.scss declares exactly the palette in tokens.ts', () => {
    const scss = fs.readFileSync(path.join(__dirname, '../../../src/styles/_tokens.scss'), 'utf8')
    const declared = Object.fromEntries([...scss.matchAll(/^\$(\w+):\s*(#[0-9A-Fa-f]{6});/gm)].map((m) => [m[1], m[2].toUpperCase()]))
    const expected = Object.fromEntries(Object.entries(PALETTE).map(([k, v]) => [k, v.toUpperCase()]))
    expect(declared).toEqual(expected)
  })

  test('type scale: body ≥ 18 dp, main action ≥ 30 dp, targets ≥ 60 dp', () => {
    const scss = fs.readFileSync(path.join(__dirname, '../../../src/styles/_tokens.scss'), 'utf8')
    const px = (name: string) => Number(new RegExp(`^\\$${name}:\\s*(\\d+)px;`, 'm').exec(scss)?.[1])
    expect(px('font-body')).toBeGreaterThanOrEqual(18)
    expect(px('font-body')).toBe(FONT_BODY_PX)
    expect(px('font-small')).toBeGreaterThanOrEqual(18)
    expect(px('font-action')).toBeGreaterThanOrEqual(30)
    expect(px('target-min')).toBeGreaterThanOrEqual(60)
    expect(px('target-main')).toBeGreaterThanOrEqual(60)
  })
})
