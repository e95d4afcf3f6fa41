#!/usr/bin/env node
// Compile src/ into lib/: one ES module bundle with the CLI's commands split
// into chunks loaded on demand. Bundling cuts the start-up from ~260 ms of
// module loading to ~30 ms (see the benchmark), and no TypeScript is
// compiled at run time.
import { build } from 'esbuild'
import { rm } from 'node:fs/promises'

export async function compile() {
  await rm('lib', { recursive: true, force: true })
  await build({
    // The CLI, and the browser finder on its own for scripts/setup.mjs.
    entryPoints: ['src/cli.ts', 'src/browser.ts'],
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
    external: ['mermaid'],
    // CommonJS dependencies bundled into ES modules still call require().
    banner: { js: "import { createRequire as __diapoRequire } from 'node:module'; const require = __diapoRequire(import.meta.url);" },
    legalComments: 'none',
    logLevel: 'warning',
  })
}

if (import.meta.url === `file://${process.argv[1]}`) await compile()
