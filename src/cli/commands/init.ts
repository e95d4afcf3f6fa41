/**
 * `diapo init [dir]`: a new deck to start from — a title slide, a diagram,
 * speaker notes and a fragment in `slides/deck.md`, a `.gitignore`, and a
 * GitHub Actions workflow that checks the deck, builds it with its PDF and
 * publishes both to GitHub Pages. It writes nothing over a file that is
 * there: it says which, and leaves the folder as it was.
 */
import { existsSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { EnvironmentError, ExitCode, UsageError } from '../../errors.ts'
import { diapoVersion } from '../../packages.ts'
import { shownPath } from '../../report.ts'

/** The commands the workflow runs, in the deck's folder: the same the tests run on a new deck. */
export const workflowCommands = ['diapo check --strict', 'diapo build'] as const

/** Run `diapo init`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  let parsed: { values: { quiet?: boolean | undefined }; positionals: string[] }
  try {
    parsed = parseArgs({ args, options: { quiet: { type: 'boolean', short: 'q' } }, allowPositionals: true })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  if (parsed.positionals.length > 1) throw new UsageError(`diapo init takes one folder, not ${parsed.positionals.length}`)
  const folder = path.resolve(parsed.positionals[0] ?? '.')
  const files = starterFiles(diapoVersion())
  const there = Object.keys(files).filter((name) => existsSync(path.join(folder, name)))
  if (there.length > 0) {
    throw new UsageError(
      `${there.map((name) => shownPath(path.join(folder, name))).join(', ')} ${there.length > 1 ? 'are' : 'is'} there already: diapo init writes nothing over a file; start in a new folder (diapo init my-talk)`,
    )
  }
  const written: string[] = []
  try {
    for (const [name, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(folder, name)), { recursive: true })
      // `wx`: a file made meanwhile is not written over either.
      await writeFile(path.join(folder, name), content, { flag: 'wx' })
      written.push(path.join(folder, name))
    }
  } catch (error) {
    // All of the deck or none of it.
    await Promise.all(written.map((file) => rm(file, { force: true })))
    throw new EnvironmentError(`Cannot write the new deck in ${shownPath(folder)}: ${(error as Error).message}`)
  }
  if (!parsed.values.quiet) {
    const into = shownPath(folder)
    process.stdout.write(
      [
        `A new deck in ${into}: ${Object.keys(files).join(', ')}`,
        '',
        ...(into === '.' ? [] : [`  cd ${into}`]),
        '  diapo dev      # edit slides/deck.md and watch it change',
        '  diapo build    # dist/index.html and its PDF',
        '',
        'Pushed to GitHub, the workflow checks the deck, builds it and publishes it to GitHub Pages (Settings › Pages › Source: GitHub Actions).',
        '',
      ].join('\n'),
    )
  }
  return ExitCode.ok
}

/** The files of a new deck, by path, for diapo at `version` (the workflow installs that one). */
export function starterFiles(version: string): Record<string, string> {
  return {
    'slides/deck.md': starterDeck,
    '.gitignore': 'dist/\nnode_modules/\n',
    '.github/workflows/slides.yml': workflow(version),
  }
}

const starterDeck = `---
title: My talk
author: Your name
lang: en
---

# My talk

::slide{class="title"}

A subtitle, or the event and the date

## A slide

- Each \`##\` heading starts a slide
- A point shown on the next click :fragment
- **Markdown** as you write it anywhere else

:::notes
Speaker notes: press S while presenting to see them, with the next slide and a timer.
:::

## A diagram

\`\`\`mermaid
flowchart LR
  Write[Write Markdown] --> Build[diapo build] --> Show[Present, or print the PDF]
\`\`\`

## Thank you

::slide{class="title"}

Questions?
`

/**
 * A GitHub Actions workflow: on every push to main, check the deck (any
 * finding fails it), build it with its PDF, and publish \`dist/\` — the
 * HTML with the PDF beside it — to GitHub Pages. The runner's Chrome draws
 * the diagrams and prints the PDF.
 */
function workflow(version: string): string {
  const diapo = `npx --yes diapo@${version}`
  return `# Built by diapo (${version}): check the deck, build it and its PDF, publish them to GitHub Pages.
name: slides

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: true

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - name: Check the deck
        run: ${workflowCommands[0].replace('diapo', diapo)}
      - name: Build the deck and its PDF
        run: ${workflowCommands[1].replace('diapo', diapo)}
      - uses: actions/upload-pages-artifact@v3
        with:
          path: dist

  publish:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: \${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
`
}
