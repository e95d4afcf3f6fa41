/**
 * Decks that are not yours (issue 14, findings 1–4): a deck reads no file
 * outside its folder; under `--safe` nothing in it runs; printing and
 * measuring reach no network, whatever the scheme; raw HTML never changes
 * the slides' structure. Every "nothing runs" and "nothing connects" is
 * checked in real Chromium against a local listener that counts.
 */
import assert from 'node:assert/strict'
import { createSocket } from 'node:dgram'
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { pathToFileURL } from 'node:url'
import { parse } from 'parse5'
import { findBrowser, launchBrowser, type RunningBrowser } from '../src/browser/browser.ts'
import { readPdf } from './pdf-helpers.ts'
import { runCli, tempDir } from './helpers.ts'

const png = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a3d1b1e70000000049454e44ae426082',
  'hex',
)
const secret = 'TOPSECRET-diapo-test'

describe('finding 1: a deck reads no file outside its folder', () => {
  let dir: string
  let outside: string
  before(async () => {
    dir = await tempDir()
    outside = path.join(dir, 'secret')
    await mkdir(outside)
    // A "PNG" that holds a secret: its bytes must reach neither the output nor a message.
    await writeFile(path.join(outside, 'key.png'), `${secret}\n`)
    await writeFile(path.join(outside, 'real.png'), png)
    await writeFile(path.join(outside, 'flow.mmd'), `flowchart LR\n  A[${secret}] --> B\n`)
    await writeFile(path.join(outside, 'theme.css'), `/* ${secret} */ .reveal { color: red }`)
  })

  /** A deck in a folder of its own whose line 3 (or frontmatter line 2) names something outside. */
  const vectors: Array<{ name: string; line: number; markdown: (secretDir: string) => string; setup?: (deck: string) => Promise<void> }> = [
    { name: 'a relative path up and out', line: 3, markdown: () => '![x](../secret/key.png)' },
    { name: 'an absolute path', line: 3, markdown: (secretDir) => `![x](${secretDir}/key.png)` },
    { name: 'a %2F-encoded path', line: 3, markdown: () => '![x](..%2Fsecret%2Fkey.png)' },
    { name: 'a file: URL', line: 3, markdown: (secretDir) => `![x](${pathToFileURL(path.join(secretDir, 'key.png')).href})` },
    { name: '/etc/passwd', line: 3, markdown: () => '![x](../../../../../../../../../etc/passwd)' },
    {
      name: 'a symlink inside the deck folder',
      line: 3,
      markdown: () => '![x](link.png)',
      setup: (deck) => symlink(path.join(deck, '..', 'secret', 'key.png'), path.join(deck, 'link.png')),
    },
    { name: 'a video poster', line: 3, markdown: (secretDir) => `<video poster="${secretDir}/key.png"></video>` },
    { name: 'raw HTML <img src>', line: 3, markdown: (secretDir) => `<img src="${secretDir}/key.png" alt="x">` },
    { name: 'a slide background', line: 3, markdown: () => '::slide{background="../secret/key.png"}' },
    { name: 'a background video', line: 3, markdown: () => '::slide{background-video="../secret/key.png"}' },
    { name: 'a diagram source', line: 3, markdown: () => '![flow](../secret/flow.mmd)' },
  ]

  for (const vector of vectors) {
    for (const safe of [false, true]) {
      test(`${vector.name}${safe ? ', with --safe' : ''}: exit 1 at its line, nothing of it anywhere`, async () => {
        const deck = path.join(dir, `deck-${vectors.indexOf(vector)}-${safe}`)
        await mkdir(deck)
        await vector.setup?.(deck)
        await writeFile(path.join(deck, 'deck.md'), `## Slide\n\n${vector.markdown(outside)}\n`)
        const out = path.join(deck, 'out')
        const run = await runCli(['build', path.join(deck, 'deck.md'), '--out', out, ...(safe ? ['--safe'] : [])], dir)
        assert.equal(run.code, 1, run.stderr)
        assert.match(
          run.stderr,
          new RegExp(`deck\\.md:${vector.line}:\\d+ +error +.* is outside the deck's folder .*(?:--allow-path|--safe)`),
        )
        assert.doesNotMatch(run.stderr, new RegExp(secret))
        assert.equal(existsSync(out), false, 'nothing written')
      })
    }
  }

  test('a theme outside the deck: exit 1 at the frontmatter line', async () => {
    const deck = path.join(dir, 'deck-theme')
    await mkdir(deck)
    await writeFile(path.join(deck, 'deck.md'), '---\ntheme: ../secret/theme.css\n---\n\n## Slide\n')
    for (const theme of ['../secret/theme.css', '/etc/passwd']) {
      await writeFile(path.join(deck, 'deck.md'), `---\ntheme: ${theme}\n---\n\n## Slide\n`)
      const run = await runCli(['build', 'deck.md', '--out', 'out', '--no-pdf'], deck)
      assert.equal(run.code, 1, run.stderr)
      assert.match(run.stderr, /deck\.md:2:1 +error +Theme `[^`]+`.* is outside the deck's folder/)
      assert.doesNotMatch(run.stderr, new RegExp(secret))
      assert.equal(existsSync(path.join(deck, 'out')), false)
    }
  })

  test('a Markdown file of a folder deck that links outside: exit 1, not read', async () => {
    const deck = path.join(dir, 'deck-folder')
    await mkdir(deck)
    await writeFile(path.join(deck, '01.md'), '## One\n')
    await writeFile(path.join(outside, 'notes.md'), `## ${secret}\n`)
    await symlink(path.join(outside, 'notes.md'), path.join(deck, '02.md'))
    const run = await runCli(['build', deck, '--out', path.join(dir, 'folder-out'), '--no-pdf'], dir)
    assert.equal(run.code, 1, run.stderr)
    assert.match(run.stderr, /02\.md:1:1 +error +This Markdown file `02\.md` \(.*notes\.md\) is outside the deck's folder/)
    assert.doesNotMatch(run.stderr, new RegExp(secret))
  })

  test('an image that is not one says what it is, never what it holds', async () => {
    const deck = path.join(dir, 'deck-not-image')
    await mkdir(deck)
    await writeFile(path.join(deck, 'photo.png'), `${secret}: not a picture\n`)
    await writeFile(path.join(deck, 'deck.md'), '## Slide\n\n![x](photo.png)\n')
    const run = await runCli(['build', 'deck.md', '--out', 'out', '--no-pdf'], deck)
    assert.equal(run.code, 1, run.stderr)
    assert.match(run.stderr, /deck\.md:3:1 +error +Image `photo\.png` is not a PNG image \(it holds text\)/)
    assert.doesNotMatch(run.stderr, new RegExp(secret))
  })

  test('--allow-path lets a deck read a folder of the builder’s choosing; --safe never does', async () => {
    const deck = path.join(dir, 'deck-allowed')
    await mkdir(deck)
    await writeFile(path.join(deck, 'deck.md'), '## Slide\n\n![x](../secret/real.png)\n')
    const allowed = await runCli(['build', 'deck.md', '--out', 'out', '--no-pdf', '--allow-path', outside], deck)
    assert.equal(allowed.code, 0, allowed.stderr)
    assert.equal((await readdir(path.join(deck, 'out', 'assets'))).filter((name) => name.startsWith('real-')).length, 1)
    const safe = await runCli(['build', 'deck.md', '--out', 'safe-out', '--no-pdf', '--allow-path', outside, '--safe'], deck)
    assert.equal(safe.code, 1, safe.stderr)
    assert.match(safe.stderr, /--safe reads no file outside the deck; ignoring the allowed folders/)
    assert.match(
      safe.stderr,
      /deck\.md:3:1 +error +Image `\.\.\/secret\/real\.png` .*is outside the deck's folder .*with --safe no other folder can be allowed/,
    )
  })
})

/** A local listener: TCP connections (HTTP requests among them) and UDP datagrams, counted; it serves a script that would mark the page. */
async function listen(): Promise<{ port: number; count: () => { tcp: number; udp: number }; close: () => void }> {
  let tcp = 0
  let udp = 0
  const server: Server = createServer((socket) => {
    tcp++
    socket.once('data', () => {
      const script = "document.title = 'pwned'"
      socket.end(`HTTP/1.1 200 OK\r\ncontent-type: text/javascript\r\ncontent-length: ${script.length}\r\n\r\n${script}`)
    })
    socket.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  const datagrams = createSocket('udp4')
  datagrams.on('message', () => udp++)
  await new Promise<void>((resolve) => datagrams.bind(port, '127.0.0.1', resolve))
  return {
    port,
    count: () => ({ tcp, udp }),
    close: () => {
      server.close()
      datagrams.close()
    },
  }
}

describe('finding 2: with --safe, nothing in the deck runs', () => {
  let browser: RunningBrowser
  let listener: Awaited<ReturnType<typeof listen>>
  before(async () => {
    listener = await listen()
    // The test's own browser may reach this machine, so that a deck that tried would be seen trying.
    browser = await launchBrowser(findBrowser(), { loopback: true })
  })
  after(async () => {
    listener.close()
    await browser.close()
  })

  const deck = (port: number) => `---
title: Safe
reveal:
  dependencies:
    - src: http://127.0.0.1:${port}/x.js
---

## Iframe

::slide{data-background-iframe="javascript:parent.document.title='pwned'"}

## Document

::slide{data-background-iframe="data:text/html,<script>parent.document.title='pwned'</script>"}

## Notes

<span class="fragment" data-notes="<img src=x onerror=&quot;document.title='pwned'&quot;>">x</span>

## Diagram

\`\`\`mermaid
%%{init: {"themeCSS": ".node rect { fill: url(http://127.0.0.1:${port}/y.png) }"}}%%
flowchart LR
  A --> B
\`\`\`
`

  /** Open the built deck from file://, visit every slide, and say what the page became. */
  async function visit(html: string): Promise<string> {
    const page = await browser.browser.newPage()
    try {
      await page.goto(pathToFileURL(html).href, { waitUntil: 'load' })
      await page.waitForFunction('window.Reveal && Reveal.isReady()')
      for (let index = 0; index < 4; index++) {
        await page.evaluate(`Reveal.slide(${index})`)
        await new Promise((resolve) => setTimeout(resolve, 150))
      }
      return (await page.evaluate('document.title')) as string
    } finally {
      await page.close()
    }
  }

  test('without --safe each is warned of at its line, and the deck does run them', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'deck.md'), deck(listener.port))
    const run = await runCli(['build', 'deck.md', '--out', 'out', '--no-pdf'], dir)
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stderr, /deck\.md:4:3 +warning +`reveal\.dependencies` loads and runs scripts/)
    assert.match(run.stderr, /deck\.md:10:1 +warning +`data-background-iframe` on `::slide` is a URL that runs code/)
    assert.match(run.stderr, /deck\.md:14:1 +warning +`data-background-iframe` on `::slide` is a URL that runs code/)
    assert.match(run.stderr, /deck\.md:23:1 +warning +The diagram loads http:\/\/127\.0\.0\.1:\d+\/y\.png from the web; left out/)
    // The check below is worth something: without --safe, the deck's code runs.
    assert.equal(await visit(path.join(dir, 'out', 'index.html')), 'pwned')
  })

  test('with --safe, none survives: the page stays as it is, and asks nothing of the network', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'deck.md'), deck(listener.port))
    const before = listener.count().tcp
    const run = await runCli(['build', 'deck.md', '--out', 'out', '--no-pdf', '--safe'], dir)
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stderr, /deck\.md:4:3 +warning +`reveal\.dependencies` is dropped with --safe/)
    assert.match(
      run.stderr,
      /deck\.md:10:1 +warning +`data-background-iframe` on `::slide` is a URL that runs code in the deck's page; dropped/,
    )
    const html = await readFile(path.join(dir, 'out', 'index.html'), 'utf8')
    assert.doesNotMatch(html, new RegExp(`127\\.0\\.0\\.1:${listener.port}|javascript:|data:text/html|data-notes|onerror`))
    assert.equal(await visit(path.join(dir, 'out', 'index.html')), 'Safe')
    assert.equal(listener.count().tcp, before, 'no request to the listener')
  })
})

test('with --safe, a diapo.config.json in the project is not read: the browser it names does not run', async () => {
  const dir = await tempDir()
  const marker = path.join(dir, 'ran')
  await writeFile(path.join(dir, 'evil.sh'), `#!/bin/sh\ntouch ${marker}\nexit 1\n`, { mode: 0o755 })
  await writeFile(path.join(dir, 'diapo.config.json'), JSON.stringify({ browser: './evil.sh' }))
  await writeFile(path.join(dir, 'deck.md'), '## Slide\n\nText.\n')
  const safe = await runCli(['build', 'deck.md', '--out', 'out', '--safe'], dir)
  assert.equal(safe.code, 0, safe.stderr)
  assert.match(safe.stderr, /--safe does not read diapo\.config\.json/)
  assert.equal(existsSync(marker), false, 'the config’s browser did not run')
  // Without --safe the config is yours, and its browser is run: which is why --safe does not read it.
  const plain = await runCli(['build', 'deck.md', '--out', 'out'], dir)
  assert.equal(plain.code, 3, plain.stderr)
  assert.equal(existsSync(marker), true)
})

describe('finding 3: printing and measuring reach no network, whatever the scheme', () => {
  test('WebSocket, fetch, EventSource, beacons, WebTransport and WebRTC: no connection, no datagram', async () => {
    const listener = await listen()
    try {
      const dir = await tempDir()
      const port = listener.port
      await writeFile(
        path.join(dir, 'deck.md'),
        `## Net

<script>
for (const url of ['ws://127.0.0.1:${port}/', 'ws://localhost:${port}/', 'ws://[::1]:${port}/', 'wss://127.0.0.1:${port}/']) { try { new WebSocket(url) } catch (e) {} }
fetch('http://127.0.0.1:${port}/f').catch(() => {})
new EventSource('http://127.0.0.1:${port}/e')
navigator.sendBeacon('http://127.0.0.1:${port}/b', 'x')
try { new WebTransport('https://127.0.0.1:${port}/') } catch (e) {}
try {
  const peer = new RTCPeerConnection({ iceServers: [{ urls: 'stun:127.0.0.1:${port}' }, { urls: 'turn:127.0.0.1:${port}?transport=tcp', username: 'a', credential: 'b' }] })
  peer.createDataChannel('x')
  peer.createOffer().then((offer) => peer.setLocalDescription(offer))
} catch (e) {}
</script>

Text.
`,
      )
      const build = await runCli(['build', 'deck.md', '--out', 'out'], dir)
      assert.equal(build.code, 0, build.stderr)
      const check = await runCli(['check', 'deck.md'], dir)
      assert.equal(check.code, 0, check.stderr)
      // What a page started meanwhile would have sent has arrived by now.
      await new Promise((resolve) => setTimeout(resolve, 500))
      assert.deepEqual(listener.count(), { tcp: 0, udp: 0 })
    } finally {
      listener.close()
    }
  })
})

/** The leaf slides of a built deck, as a browser parses its HTML. */
function slidesAsParsed(html: string): number {
  type Node = { nodeName: string; childNodes?: Node[]; content?: Node }
  let count = 0
  const walk = (node: Node) => {
    const children = [...(node.childNodes ?? []), ...(node.content?.childNodes ?? [])]
    if (node.nodeName === 'section' && !children.some((child) => child.nodeName === 'section')) count++
    for (const child of children) walk(child)
  }
  walk(parse(html) as unknown as Node)
  return count
}

describe('finding 4: raw HTML never changes the slides', () => {
  const deck = (html: string) => `## One\n\n${html}\n\nText.\n\n## Two\n\nText.\n\n## Three\n\nText.\n`

  for (const html of ['<table><tr><td>open', '<select>', '<template>', '<plaintext>', '<math><mtext>']) {
    test(`--safe: an unclosed ${html} stays in its slide: 3 slides as the browser reads them`, async () => {
      const dir = await tempDir()
      await writeFile(path.join(dir, 'deck.md'), deck(html))
      const run = await runCli(['build', 'deck.md', '--out', 'out', '--no-pdf', '--safe'], dir)
      assert.equal(run.code, 0, run.stderr)
      assert.equal(slidesAsParsed(await readFile(path.join(dir, 'out', 'index.html'), 'utf8')), 3)
    })
  }

  test('a plain build warns at an unclosed <table> that would swallow the next slides, and keeps them', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'deck.md'), deck('<table><tr><td>open'))
    const run = await runCli(['build', 'deck.md', '--out', 'out', '--no-pdf'], dir)
    assert.equal(run.code, 0, run.stderr)
    assert.match(
      run.stderr,
      /deck\.md:3:1 +warning +Raw HTML `<table><tr><td>open` is not closed by the end of its slide: it would swallow every slide after it/,
    )
    assert.equal(slidesAsParsed(await readFile(path.join(dir, 'out', 'index.html'), 'utf8')), 3)
  })

  for (const html of ['<!-- never closed', '<style>', '<textarea>']) {
    test(`an unclosed ${html} holds the rest of the Markdown, as CommonMark says: a warning at its line names the slides it hides`, async () => {
      const dir = await tempDir()
      await writeFile(path.join(dir, 'deck.md'), deck(html))
      const run = await runCli(['build', 'deck.md', '--out', 'out', '--no-pdf'], dir)
      assert.equal(run.code, 0, run.stderr)
      assert.match(run.stderr, /deck\.md:3:1 +warning +Raw HTML `.+` is never closed: the 2 slides after it are inside it, and do not show/)
      // What the browser shows is what the Markdown says: the hidden slides stay hidden, and nothing more.
      assert.equal(slidesAsParsed(await readFile(path.join(dir, 'out', 'index.html'), 'utf8')), 1)
    })
  }

  test('the PDF of such a deck has one page a slide', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'deck.md'), deck('<table><tr><td>open'))
    const run = await runCli(['build', 'deck.md', '--out', 'out', '--safe'], dir)
    assert.equal(run.code, 0, run.stderr)
    const pdf = (await readdir(path.join(dir, 'out'))).find((name) => name.endsWith('.pdf'))!
    assert.equal((await readPdf(path.join(dir, 'out', pdf))).pages.length, 3)
  })

  test('--safe: a raw <section> makes no slide of its own', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'deck.md'), deck('<section>inner</section>'))
    const run = await runCli(['build', 'deck.md', '--out', 'out', '--no-pdf', '--safe'], dir)
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stderr, /deck\.md:3:1 +warning +Raw HTML `<section>`: it is dropped/)
    assert.equal(slidesAsParsed(await readFile(path.join(dir, 'out', 'index.html'), 'utf8')), 3)
  })
})
