/**
 * Every place in src/ that speaks, and what it says, read from the code with the TypeScript checker
 * (no hand list): `npx tsx scripts/audio/speech-census.ts` prints it.
 *
 * A speech site is an argument that reaches the speech service (src/services/speech.ts):
 *   - speak(text) itself (imported from the service or its re-export in src/services/index.ts);
 *   - the components and helpers that hand a prop or argument on to it (SPEECH_FORWARDERS below: the
 *     census checks that each still calls speak(), so the table cannot silently go stale);
 *   - the camera page's queue: PromptSpeaker#say(texts) (its speak function is the service's).
 * For each site the checker's type of the argument gives its text: a string literal type (or a
 * union of them, a `const` string, an `as const` table entry, a function whose every return is one
 * of those) is a FIXED prompt with its exact texts; anything else (names, dates, counts, server
 * messages) is DYNAMIC.
 *
 * Sites that bypass the service (speechSynthesis, an audio context or requirePlugin anywhere else)
 * have no plugin path on weapp and are listed in `bypasses`.
 */
import { readdirSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import ts from 'typescript'

const ROOT = join(__dirname, '..', '..')
const SRC = join(ROOT, 'src')
const SERVICE = join(SRC, 'services', 'speech.ts')

/** Components/helpers whose prop or argument is spoken: [file, JSX prop or call argument]. */
export const SPEECH_FORWARDERS: ReadonlyArray<{ file: string; name: string; jsxProp?: string; argIndex?: number; how: string }> = [
  { file: 'src/components/PageShell/index.tsx', name: 'PageShell', jsxProp: 'speech', how: 'the 朗读 button (SpeakButton) reads it' },
  { file: 'src/components/SpeakButton/index.tsx', name: 'SpeakButton', jsxProp: 'text', how: 'speak(text) on tap' },
  { file: 'src/components/ErrorBanner/index.tsx', name: 'ErrorBanner', jsxProp: 'error', how: 'speak(error.message) when shown' },
  { file: 'src/packages/certify/flow/result-reader.ts', name: 'readPageAloud', argIndex: 0, how: 'the whole text with a voice (H5, weapp plugin)' },
  { file: 'src/packages/certify/flow/result-reader.ts', name: 'readPageAloud', argIndex: 1, how: 'clip sentences one by one without a voice' },
]

export type SiteKind = 'speak' | 'forward' | 'queue'

export interface SpeechSite {
  /** Path from the repository root, with / */
  file: string
  line: number
  kind: SiteKind
  /** speak, PageShell.speech, ErrorBanner.error, PromptSpeaker.say … */
  via: string
  /** The argument as written. */
  expression: string
  /** The exact texts when fixed; null when dynamic. */
  texts: string[] | null
}

export interface SpeechCensus {
  sites: SpeechSite[]
  /** Files that make sound without the speech service (file:line and what). */
  bypasses: string[]
  /** Forwarders that no longer reach speak() (the table above is stale). */
  staleForwarders: string[]
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) sourceFiles(p, out)
    else if (/\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts') && !/\.config\.ts$/.test(name)) out.push(p)
  }
  return out
}

const rel = (f: string) => relative(ROOT, f).split(sep).join('/')

function program(): ts.Program {
  const cfgPath = join(ROOT, 'tsconfig.json')
  const cfg = ts.readConfigFile(cfgPath, ts.sys.readFile)
  const parsed = ts.parseJsonConfigFileContent(cfg.config, ts.sys, ROOT)
  return ts.createProgram(sourceFiles(SRC), { ...parsed.options, noEmit: true, types: [] })
}

/** The declaration a name finally refers to (through imports and re-exports). */
function target(checker: ts.TypeChecker, node: ts.Node): ts.Declaration | undefined {
  let sym = checker.getSymbolAtLocation(node)
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym)
  return sym?.declarations?.[0]
}

function literalTexts(type: ts.Type): string[] | null {
  const parts = type.isUnion() ? type.types : [type]
  const out: string[] = []
  for (const t of parts) {
    if (t.isStringLiteral()) out.push(t.value)
    else return null
  }
  return out
}

/** Fixed texts of an expression: its literal type, or every return of the function it calls. */
function fixedTexts(checker: ts.TypeChecker, expr: ts.Expression, depth = 0): string[] | null {
  if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return [expr.text]
  if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr)) return fixedTexts(checker, expr.expression, depth)
  const direct = literalTexts(checker.getTypeAtLocation(expr))
  if (direct) return direct
  if ((ts.isIdentifier(expr) || ts.isPropertyAccessExpression(expr)) && depth < 4) {
    // `const x = …` typed as string: what it is set to (a literal, a table, a choice, a call)
    const decl = target(checker, ts.isPropertyAccessExpression(expr) ? expr.name : expr)
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer && ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const) {
      return fixedTexts(checker, decl.initializer, depth + 1)
    }
  }
  if (ts.isArrayLiteralExpression(expr)) return allFixed(checker, [...expr.elements], depth + 1)
  if (ts.isConditionalExpression(expr)) return allFixed(checker, [expr.whenTrue, expr.whenFalse], depth + 1)
  if (ts.isCallExpression(expr) && depth < 4) {
    let decl: ts.Node | undefined = target(checker, ts.isPropertyAccessExpression(expr.expression) ? expr.expression.name : expr.expression)
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer && (ts.isArrowFunction(decl.initializer) || ts.isFunctionExpression(decl.initializer))) decl = decl.initializer
    if (decl && ts.isArrowFunction(decl) && !ts.isBlock(decl.body)) return fixedTexts(checker, decl.body, depth + 1)
    if (decl && (ts.isFunctionDeclaration(decl) || ts.isArrowFunction(decl) || ts.isFunctionExpression(decl)) && decl.body) {
      const returns: ts.Expression[] = []
      const visit = (n: ts.Node): void => {
        if (ts.isFunctionLike(n) && n !== decl) return
        if (ts.isReturnStatement(n) && n.expression) returns.push(n.expression)
        ts.forEachChild(n, visit)
      }
      visit(decl.body)
      return returns.length ? allFixed(checker, returns, depth + 1) : null
    }
  }
  return null
}

function allFixed(checker: ts.TypeChecker, exprs: ts.Expression[], depth: number): string[] | null {
  const out: string[] = []
  for (const e of exprs) {
    if (ts.isSpreadElement(e)) return null
    const t = fixedTexts(checker, e, depth)
    if (!t) return null
    out.push(...t)
  }
  return out
}

const BYPASS = /\b(speechSynthesis|SpeechSynthesisUtterance|createInnerAudioContext|requirePlugin|new Audio\()/

export function speechCensus(): SpeechCensus {
  const prog = program()
  const checker = prog.getTypeChecker()
  const sites: SpeechSite[] = []
  const bypasses: string[] = []
  const forwarderReachesSpeak = new Set<string>()
  const isSpeak = (callee: ts.Expression) => {
    const d = target(checker, callee)
    return !!d && d.getSourceFile().fileName === SERVICE && ts.isFunctionDeclaration(d) && d.name?.text === 'speak'
  }

  for (const sf of prog.getSourceFiles()) {
    const file = sf.fileName
    if (!file.startsWith(SRC + sep) && !file.startsWith(SRC + '/')) continue
    if (file === SERVICE) continue
    const add = (node: ts.Node, kind: SiteKind, via: string, expr: ts.Expression) => {
      sites.push({
        file: rel(file),
        line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1,
        kind,
        via,
        expression: expr.getText(sf).replace(/\s+/g, ' '),
        texts: fixedTexts(checker, expr),
      })
    }
    sf.text.split('\n').forEach((l, i) => {
      if (BYPASS.test(l) && !/^\s*(\*|\/\/)/.test(l)) bypasses.push(`${rel(file)}:${i + 1}: ${l.trim()}`)
    })
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression
        const arg = node.arguments[0]
        if (isSpeak(callee)) {
          if (arg) add(node, 'speak', 'speak', arg)
          forwarderReachesSpeak.add(rel(file))
        } else if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'say' && arg) {
          const owner = checker.getTypeAtLocation(callee.expression).getSymbol()?.getName()
          if (owner === 'PromptSpeaker') add(node, 'queue', 'PromptSpeaker.say', arg)
        } else if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'speak' && rel(file).includes('certify/flow/')) {
          // an injected speak (deps.speak / this.speakFn): reached through the forwarder
          forwarderReachesSpeak.add(rel(file))
        } else {
          for (const f of SPEECH_FORWARDERS) {
            if (f.argIndex === undefined || !ts.isIdentifier(callee) || callee.text !== f.name) continue
            const d = target(checker, callee)
            const a = node.arguments[f.argIndex]
            if (d && rel(d.getSourceFile().fileName) === f.file && a) add(node, 'forward', `${f.name}#${f.argIndex}`, a)
          }
        }
      }
      if (ts.isJsxSelfClosingElement(node) || ts.isJsxOpeningElement(node)) {
        const tag = node.tagName
        for (const f of SPEECH_FORWARDERS) {
          if (!f.jsxProp || !ts.isIdentifier(tag) || tag.text !== f.name) continue
          const d = target(checker, tag)
          if (!d || rel(d.getSourceFile().fileName) !== f.file) continue
          for (const p of node.attributes.properties) {
            if (!ts.isJsxAttribute(p) || p.name.getText(sf) !== f.jsxProp || !p.initializer) continue
            const init = p.initializer
            const e = ts.isStringLiteral(init) ? init : ts.isJsxExpression(init) ? init.expression : undefined
            if (e) add(node, 'forward', `${f.name}.${f.jsxProp}`, e)
          }
        }
      }
      ts.forEachChild(node, visit)
    }
    visit(sf)
  }
  // ErrorBanner.error is an object: its message is what is said (dynamic)
  for (const s of sites) if (s.via === 'ErrorBanner.error') s.texts = null
  const staleForwarders = [...new Set(SPEECH_FORWARDERS.map((f) => f.file))].filter(
    (f) => f !== 'src/components/PageShell/index.tsx' && !forwarderReachesSpeak.has(f),
  )
  // PageShell forwards to SpeakButton
  if (!sites.some((s) => s.file === 'src/components/PageShell/index.tsx' && s.via === 'SpeakButton.text')) staleForwarders.push('src/components/PageShell/index.tsx')
  sites.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1))
  return { sites, bypasses, staleForwarders }
}

if (require.main === module) {
  const c = speechCensus()
  for (const s of c.sites) {
    const what = s.texts ? s.texts.map((t) => JSON.stringify(t)).join(' | ') : `(dynamic) ${s.expression}`
    console.log(`${s.file}:${s.line}  ${s.via}  ${what}`)
  }
  for (const b of c.bypasses) console.log(`BYPASS ${b}`)
  for (const f of c.staleForwarders) console.log(`STALE forwarder ${f}`)
}
