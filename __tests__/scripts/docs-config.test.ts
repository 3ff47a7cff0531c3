/** docs/configuration.md is what `npm run docs:config` writes from server/config/variables.ts. */
import { readFileSync } from 'node:fs'
import { CONFIGURATION_DOC, renderConfigurationDoc } from '../../scripts/docs-config'
import { CONFIG_VARIABLES } from '../../server/config/variables'

test('the committed docs/configuration.md is up to date (run `npm run docs:config`)', () => {
  expect(readFileSync(CONFIGURATION_DOC, 'utf8')).toBe(renderConfigurationDoc())
})

test('the doc has one row per variable, each naming who reads it', () => {
  const doc = renderConfigurationDoc()
  for (const v of CONFIG_VARIABLES) {
    const rows = doc.split('\n').filter((l) => l.startsWith(`| \`${v.name}\` |`))
    expect(rows).toHaveLength(1)
    expect(rows[0]).toContain(`| ${v.readers.join(', ')} |`)
  }
})
