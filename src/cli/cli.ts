#!/usr/bin/env node
/**
 * The `diapo` command. The single exit point: commands return an exit code
 * or throw; only here is an error turned into a message and a status.
 * Commands are imported on demand, so `--help` and `--version` are instant.
 */
import { existsSync } from 'node:fs'
import os from 'node:os'
import { interruptNote, undoAll } from '../files/cleanup.ts'
import { DiapoError, ExitCode, UsageError } from '../errors.ts'

/** A sub-command: its help text and how to load it. */
interface Command {
  summary: string
  usage: string
  load: () => Promise<{ run: (args: string[]) => Promise<number> }>
}

const commands: Record<string, Command> = {
  build: {
    summary: 'Build the deck and its PDF (default: slides/ → dist/)',
    usage: `Usage: diapo build [input] [options]

Build the Markdown in [input] (a file, or a folder of *.md files in name
order; default: slides/) into a reveal.js deck, <out>/index.html and its
assets, and its PDF, <out>/<title>.pdf: one page a slide. A folder whose
subfolders hold Markdown is a course: each deck is built into <out>/<deck>/,
with <out>/index.html listing them; only decks that changed are built again.

Options:
  -o, --out <dir>       Output folder, replaced whole on success (default: dist)
      --theme <name>    Theme name or CSS file, over the frontmatter's theme
      --css <file>      A stylesheet added after the theme (again for more)
      --no-pdf          Build the HTML only
      --notes           Also write <title>-notes.pdf: each slide with its notes;
                        slides without notes share pages
      --paper <size>    Paper of the notes handout: a4 (default) or letter
      --per-page <n>    Slides on each page of the handout, with their notes:
                        1, 2, 3, 4 or 6 (default: as many as fit)
      --fragments <how> final (default): slides as they end; each: a page a step
      --browser <path>  Chrome or Chromium to use (else the config file's,
                        PUPPETEER_EXECUTABLE_PATH, CHROME_PATH, installed ones)
      --timeout <s>     Most seconds any step in the browser may take (default 60)
      --screenshots <dir>  Also write a PNG of every slide into <dir>
      --pptx            Also write <title>.pptx: every text editable, notes, diagrams
                        as SVG, fragments as animations (see diapo pptx --help)
      --safe            Nothing in the deck may run: each slide's HTML sanitized, no script
                        URLs, no settings that load code: for Markdown that is not yours
      --allow-path <dir>  Let the deck read files of <dir> too (images, diagrams, themes): a deck
                        reads no file outside its folder otherwise; repeatable; never with --safe
      --config <file>   The config file to read (default: diapo.config.{js,ts,json}
                        found upward from the deck); --no-config reads none
  -q, --quiet           Print errors only
      --verbose         Say which browser is used, what is cached, and when
  -h, --help            Show this help

Slides are measured in the browser as the PDF is printed: one that runs off
its canvas is split into continuation slides at block boundaries (or shrunk:
::slide{fit="shrink"}; left alone: fit="none"), and what is still too big,
too small or too faint is a warning, as \`diapo check\` reports it.`,
    load: () => import('./commands/build.ts'),
  },
  pdf: {
    summary: 'Write only the PDF of the deck (default: dist/<title>.pdf)',
    usage: `Usage: diapo pdf [input] [options]

Print the deck of [input] (default: slides/) to a PDF: one page a slide,
selectable text, vector diagrams, the bundled fonts, bookmarks by slide.

Options:
  -o, --out <file>      The PDF to write, or a folder for it: one that ends with /
                        or exists (default: dist/<title>.pdf)
      --notes           Also write the handout, <title>-notes.pdf, beside it
      --paper <size>    Paper of the handout: a4 (default) or letter
      --per-page <n>    Slides on each page of the handout: 1, 2, 3, 4 or 6
                        (default: as many as fit)
      --fragments <how> final (default): slides as they end; each: a page a step
      --theme <name>    Theme name or CSS file, over the frontmatter's theme
      --css <file>      A stylesheet added after the theme (again for more)
      --safe            Nothing in the deck may run (see diapo build --help)
      --allow-path <dir>  Let the deck read files of <dir> too; never with --safe
      --config <file>   The config file to read; --no-config reads none
      --browser <path>  Chrome or Chromium to use
      --timeout <s>     Most seconds any step in the browser may take (default 60)
  -q, --quiet           Print errors only
      --verbose         Say which browser is used, and when each step ends`,
    load: () => import('./commands/pdf.ts'),
  },
  pptx: {
    summary: 'Write only the PowerPoint file of the deck (default: dist/<title>.pptx)',
    usage: `Usage: diapo pptx [input] [options]

Write the deck of [input] (default: slides/) as a PowerPoint file, one slide
a slide, from the layout measured in the browser: titles, paragraphs, lists,
tables, links and code as text you can edit, in the deck's fonts (named, not
embedded) and colours; speaker notes in the notes pages; diagrams as SVG
with a PNG for older readers; pictures copied; fragments as "Appear"
animations in their order. What PowerPoint cannot hold (an iframe, a video,
a line of math) is a picture of it there, said as a warning at its slide.
No office suite is needed.

Options:
  -o, --out <file>      The .pptx to write, or a folder for it: one that ends with /
                        or exists (default: dist/<title>.pptx)
      --theme <name>    Theme name or CSS file, over the frontmatter's theme
      --css <file>      A stylesheet added after the theme (again for more)
      --safe            Nothing in the deck may run (see diapo build --help)
      --allow-path <dir>  Let the deck read files of <dir> too; never with --safe
      --config <file>   The config file to read; --no-config reads none
      --browser <path>  Chrome or Chromium to use
      --timeout <s>     Most seconds any step in the browser may take (default 60)
  -q, --quiet           Print errors only
      --verbose         Say which browser is used, and when each step ends`,
    load: () => import('./commands/pptx.ts'),
  },
  dev: {
    summary: 'Serve the deck and update it as you edit (http://127.0.0.1:4000)',
    usage: `Usage: diapo dev [input] [options]

Build the deck of [input] (default: slides/) in memory, serve it on
http://127.0.0.1:4000 (the next free port if that one is busy), and watch
the Markdown, diagram sources, images, theme and config file. On a
change the deck is built again (diagrams from the cache; a browser only for
a new diagram; no PDF) and every open page swaps the changed slides in
place, staying on its slide and fragment; a new theme or new settings
reload the page, on the same slide. Errors show over the last good deck, with
their file:line:col, and in this terminal. Ctrl-C stops everything.

Options:
  -p, --port <n>        Port to try first (default 4000)
      --host <address>  Interface to listen on (default 127.0.0.1: this machine only)
      --open            Open the deck in the desktop's browser
      --theme <name>    Theme name or CSS file, over the frontmatter's theme
      --css <file>      A stylesheet added after the theme (again for more)
      --safe            Nothing in the deck may run (see diapo build --help)
      --allow-path <dir>  Let the deck read files of <dir> too; never with --safe
      --config <file>   The config file to read; --no-config reads none
      --browser <path>  Chrome or Chromium for diagrams
      --timeout <s>     Most seconds any step in the browser may take (default 60)
  -q, --quiet           Print only the URL`,
    load: () => import('./commands/dev.ts'),
  },
  check: {
    summary: 'Lay the deck out in the browser and report what does not fit',
    usage: `Usage: diapo check [input] [options]

Build the deck of [input] (default: slides/) without writing it, lay it out
in the browser at its canvas size (1280×720), and report each slide whose
content runs off the canvas or is cut off, text under the theme's minimum
size (20 px) or under WCAG AA contrast, diagrams scaled until their labels
are too small to read, and empty slides — as file:line:col, the slide, the
finding and its rule. Slides that run off are split (or shrunk, with
::slide{fit="shrink"}) first, as \`diapo build\` does; what is left is reported.

Options:
      --strict              Exit 1 when there is any finding (else 0)
      --theme <name>        Theme name or CSS file, over the frontmatter's theme
      --css <file>          A stylesheet added after the theme (again for more)
      --safe                Nothing in the deck may run (see diapo build --help)
      --allow-path <dir>    Let the deck read files of <dir> too; never with --safe
      --config <file>       The config file to read; --no-config reads none
      --screenshots <dir>   Also write a PNG of every slide into <dir>
      --browser <path>      Chrome or Chromium to use
      --timeout <s>         Most seconds any step in the browser may take (default 60)
  -q, --quiet               Print findings only`,
    load: () => import('./commands/check.ts'),
  },
  init: {
    summary: 'Start a new deck: slides/deck.md, .gitignore, a workflow to publish it',
    usage: `Usage: diapo init [dir] [-q]

Write a new deck into [dir] (default: the current folder): slides/deck.md
(a title slide, a slide with a fragment and speaker notes, a diagram), a
.gitignore for dist/ and node_modules/, and .github/workflows/slides.yml,
which on every push to main runs \`diapo check --strict\` and \`diapo build\`
and publishes dist/ (the deck and its PDF) to GitHub Pages.

Nothing is written over a file that is there: diapo init says which, and
writes nothing.`,
    load: () => import('./commands/init.ts'),
  },
  doctor: {
    summary: 'Show what diapo finds here: browser, packages, cache',
    usage: `Usage: diapo doctor [--browser <path>]

Print the versions diapo runs with, the browser it would use for diagrams
(and which rule chose it), the diagram cache and the themes. Exits 3 when no
browser can be used, with what to install.

Browser order: --browser, then "browser" in the config file, then the
PUPPETEER_EXECUTABLE_PATH and CHROME_PATH variables, then an installed
Chrome, Chromium or Edge.`,
    load: () => import('./commands/doctor.ts'),
  },
}

const mainUsage = `Usage: diapo <command> [options]
       diapo <file.md | folder> [options]   (the same as diapo build <input>)

Markdown in, reveal.js slides out.

Commands:
${Object.entries(commands)
  .map(([name, command]) => `  ${name.padEnd(10)}${command.summary}`)
  .join('\n')}

Options:
  -h, --help     Show help (also: diapo <command> --help)
  -v, --version  Show the version

Exit status: 0 done, 1 content error, 2 usage error, 3 environment error.`

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' ? args[0] : undefined
    process.stdout.write(`${(topic && commands[topic]?.usage) || mainUsage}\n`)
    return ExitCode.ok
  }
  if (name === '-v' || name === '--version') {
    const { diapoVersion } = await import('../packages.ts')
    process.stdout.write(`${diapoVersion()}\n`)
    return ExitCode.ok
  }
  // `diapo deck.md` and `diapo talk/`, as Marp and reveal-md users type them: a build of that input.
  if (!commands[name] && !name.startsWith('-') && (existsSync(name) || /\.(md|markdown)$/i.test(name))) {
    return main(['build', name, ...args])
  }
  const command = commands[name]
  if (!command) throw new UsageError(`Unknown command \`${name}\`; run \`diapo --help\` for the list`)
  if (args.includes('-h') || args.includes('--help')) {
    process.stdout.write(`${command.usage}\n`)
    return ExitCode.ok
  }
  const module = await command.load()
  return module.run(args)
}

// Ctrl-C or a kill: end every browser and remove every half-written output before going, at once:
// the build goes on meanwhile, and must not get to make anything more.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    undoAll()
    process.stderr.write(`\ndiapo: interrupted (${signal}); ${interruptNote()}\n`)
    // The shell's convention: 128 + the signal's number.
    process.exit(128 + os.constants.signals[signal])
  })
}

// Exit as soon as the command is done and its output is out: the closed
// browser's pipe and socket would keep the process alive ~0.1 s more.
main(process.argv.slice(2)).then(exit, (error: unknown) => {
  if (error instanceof DiapoError) {
    process.stderr.write(`diapo: ${error.message}\n`)
    if (error instanceof UsageError) process.stderr.write('Run `diapo --help` for usage.\n')
    return exit(error.exitCode)
  }
  // A bug, not a problem of the input: keep the stack so it can be reported.
  process.stderr.write(`diapo: internal error; please report it with this trace:\n${(error as Error)?.stack ?? String(error)}\n`)
  return exit(70)
})

/** Exit with `code` once stdout and stderr are written (writes to a pipe may still be queued). */
async function exit(code: number): Promise<never> {
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))))
  process.exit(code)
}
