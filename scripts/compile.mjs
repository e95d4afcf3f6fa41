#!/usr/bin/env node
// Compile src/ into lib/: one ES module bundle with the CLI's commands split
// into chunks loaded on demand. Bundling cuts the start-up from ~260 ms of
// module loading to ~30 ms (see the benchmark), and no TypeScript is
// compiled at run time.
import { build } from 'esbuild'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'

export async function compile() {
  await rm('lib', { recursive: true, force: true })
  await build({
    // The CLI, the API (`import { build } from 'diapo'`), the unified preset (`diapo/unified`),
    // and the browser finder on its own for scripts/setup.mjs.
    entryPoints: { cli: 'src/cli/cli.ts', index: 'src/index.ts', unified: 'src/unified.ts', browser: 'src/browser/browser.ts' },
    outdir: 'lib',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: '[name]-[hash]',
    // Mermaid's files are served to the browser as they are, so it stays in node_modules.
    // puppeteer-core is bundled: one file loads ~60 ms sooner than its hundreds of
    // modules, on the path of every build that starts a browser (~0.09 s a build with PDF).
    // jiti (a TypeScript config's compiler) is loaded only for a `diapo.config.ts`, from node_modules.
    external: ['mermaid', 'jiti'],
    // CommonJS dependencies bundled into ES modules still call require().
    banner: { js: "import { createRequire as __diapoRequire } from 'node:module'; const require = __diapoRequire(import.meta.url);" },
    legalComments: 'none',
    logLevel: 'warning',
  })
}

/**
 * The API's type declarations, for the package (`npm pack` runs this): those
 * of `src/index.ts` and `src/unified.ts` and of what they name, in lib/types/, with the `.ts` of
 * their imports made `.js` as in the compiled code. Only for the package:
 * type-checking the whole source takes seconds a build does not need.
 */
export async function declarations() {
  const { default: ts } = await import('typescript')
  const { config } = ts.readConfigFile('tsconfig.json', ts.sys.readFile)
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, '.')
  const outDir = path.resolve('lib', 'types')
  const program = ts.createProgram(['src/index.ts', 'src/unified.ts'], {
    ...options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    outDir,
    rootDir: path.resolve('src'),
  })
  const emitted = new Map()
  const { diagnostics } = program.emit(undefined, (file, text) => emitted.set(path.resolve(file), text))
  if (diagnostics.length > 0) throw new Error(ts.formatDiagnostics(diagnostics, ts.createCompilerHost(options)))
  // index.d.ts and unified.d.ts, the declarations they import, and theirs: not every module of diapo.
  const pending = [path.join(outDir, 'index.d.ts'), path.join(outDir, 'unified.d.ts')]
  const kept = new Map()
  while (pending.length > 0) {
    const file = pending.pop()
    if (kept.has(file)) continue
    const text = emitted.get(file)
    if (text === undefined) throw new Error(`no declarations for ${file}`)
    const relative = /(from\s+|import\()'(\.{1,2}\/[^']+)\.ts'/g
    kept.set(file, text.replace(relative, "$1'$2.js'"))
    for (const [, , specifier] of text.matchAll(relative)) pending.push(path.resolve(path.dirname(file), `${specifier}.d.ts`))
  }
  await rm(outDir, { recursive: true, force: true })
  for (const [file, text] of kept) {
    await mkdir(path.dirname(file), { recursive: true })
    await writeFile(file, text)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await compile()
  if (process.argv.includes('--types')) await declarations()
}
