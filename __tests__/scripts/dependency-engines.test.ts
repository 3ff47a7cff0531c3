/**
 * Every package the lockfile installs supports the Node line we run (package.json "engines"). A
 * dependency's new minor can raise its floor (light-my-request 6.8 pulled in cookie 2, Node >= 22):
 * npm only warns, and the code may break at run time on a path no test takes.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { intersects, minVersion, satisfies, validRange } from 'semver'

interface LockedPackage {
  version?: string
  engines?: { node?: string } | string[]
  optional?: boolean
  os?: string[]
  cpu?: string[]
}

const root = join(__dirname, '..', '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockedPackage> }

/** What a package declares for node, when it declares it the usual way. */
function nodeRange(p: LockedPackage): string | undefined {
  return p.engines && !Array.isArray(p.engines) ? p.engines.node : undefined
}

/** The packages npm installs on this machine (optional ones for another OS or CPU are skipped by npm too). */
function installedHere(p: LockedPackage): boolean {
  if (!p.optional) return true
  const fits = (list: string[] | undefined, value: string) => !list || list.includes(value) || (list.some((v) => v.startsWith('!')) && !list.includes(`!${value}`))
  return fits(p.os, process.platform) && fits(p.cpu, process.arch)
}

describe('dependency engines', () => {
  const ours = pkg.engines.node
  const lowest = minVersion(ours)!.version

  it('our own range is a real one, starting at Node 20', () => {
    expect(validRange(ours)).not.toBeNull()
    expect(lowest.startsWith('20.')).toBe(true)
  })

  it('the Node running the tests is inside our range', () => {
    expect(satisfies(process.versions.node, ours)).toBe(true)
  })

  it('every installed package accepts the Node running the tests and some Node 20', () => {
    const refused: string[] = []
    for (const [path, p] of Object.entries(lock.packages)) {
      const range = nodeRange(p)
      if (!path || !range || !installedHere(p) || validRange(range) === null) continue
      if (!satisfies(process.versions.node, range) || !intersects(range, '^20')) refused.push(`${path}@${p.version}: node ${range}`)
    }
    expect(refused).toEqual([])
  })
})
