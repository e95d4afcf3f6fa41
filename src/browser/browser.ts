/**
 * The one browser of a build: found, started on first need, shared by every
 * stage that needs one, and ended with its whole process group.
 *
 * Finder order: `--browser` flag → config → `PUPPETEER_EXECUTABLE_PATH` →
 * `CHROME_PATH` → an installed Chromium or Chrome headless shell, Chrome,
 * Chromium or Edge. An explicit choice that does not work is an error naming
 * it, never a silent fall-back.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { accessSync, constants, mkdirSync, rmSync, statSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { Browser, ConnectionTransport, ConnectOptions, Page } from 'puppeteer-core'
import { untilDone } from '../files/cleanup.ts'
import { groupMembers, owner, processesUsing, sweep, temporaryRoot, waitSync } from '../files/folders.ts'
import { EnvironmentError } from '../errors.ts'

/** A browser executable, and which rule of the finder chose it. */
export interface BrowserChoice {
  executable: string
  /** `--browser`, `config`, an environment variable's name, or `installed`. */
  source: string
}

/** Where to look first. */
export interface FindBrowserOptions {
  /** The `--browser` flag. */
  flag?: string | undefined
  /** The `browser` setting of the config. */
  config?: string | undefined
  env?: NodeJS.ProcessEnv
}

// A headless shell first: Chromium's headless-only build, which makes the same PDFs (byte for
// byte) and starts in ~0.15 s where the whole browser takes ~0.45 s, on every build with a browser.
const installedNames = [
  'chromium-headless-shell',
  'chrome-headless-shell',
  'chromium',
  'chromium-browser',
  'google-chrome-stable',
  'google-chrome',
  'chrome',
  'microsoft-edge-stable',
  'microsoft-edge',
]
const installedPaths: Partial<Record<NodeJS.Platform, string[]>> = {
  darwin: [
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
  ],
  win32: [
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
  ],
}

/**
 * Flags for a headless Chromium on a machine with no network: the ones
 * puppeteer would pass, and those that keep it from calling home.
 */
export const chromiumFlags = [
  '--headless=new',
  '--hide-scrollbars',
  '--mute-audio',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
  '--disable-breakpad',
  '--disable-crash-reporter',
  '--disable-client-side-phishing-detection',
  '--disable-component-extensions-with-background-pages',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-dev-shm-usage',
  '--disable-extensions',
  '--disable-hang-monitor',
  '--disable-ipc-flooding-protection',
  '--disable-popup-blocking',
  '--disable-prompt-on-repost',
  '--disable-search-engine-choice-screen',
  '--disable-sync',
  // Headless Chromium still builds parts of a browser window: the WebUI omnibox popups
  // (a renderer of their own) and a spare renderer for the next tab. Without them a
  // start-up takes ~1 s less CPU, and a build ~0.35 s less time on two cores.
  '--disable-features=' +
    [
      'Translate',
      'MediaRouter',
      'OptimizationHints',
      'AcceptCHFrame',
      'SpareRendererForSitePerProcess',
      'WebUIOmniboxPopup',
      'WebUIOmniboxAimPopup',
      'WebUIOmniboxFullPopup',
    ].join(','),
  '--enable-automation',
  '--export-tagged-pdf',
  '--generate-pdf-document-outline',
  '--force-color-profile=srgb',
  '--font-render-hinting=none',
  '--metrics-recording-only',
  '--password-store=basic',
  '--use-mock-keychain',
  // Pages are served from 127.0.0.1 or read from disk; no other host is ever resolved.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  // No network at all, whatever the scheme: every request, WebSocket, WebTransport, to any
  // address, IP literals and loopback included, goes to a proxy that does not exist (the
  // bypass list, set at launch, names diapo's own server only); WebRTC may not go around it.
  // Chromium 156.0.8078.114 reads the policy from `--webrtc-ip-handling-policy` only (older
  // ones from `--force-…`, kept for them): with the old name alone, a STUN datagram got out.
  '--proxy-server=http://diapo-offline.invalid:9',
  '--webrtc-ip-handling-policy=disable_non_proxied_udp',
  '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
]

/** Find a browser, or throw an error that says what to install. */
export function findBrowser(options: FindBrowserOptions = {}): BrowserChoice {
  const env = options.env ?? process.env
  const explicit: Array<[string, string | undefined]> = [
    ['--browser', options.flag],
    ['config', options.config],
    ['PUPPETEER_EXECUTABLE_PATH', env.PUPPETEER_EXECUTABLE_PATH],
    ['CHROME_PATH', env.CHROME_PATH],
  ]
  for (const [source, value] of explicit) {
    if (!value) continue
    const executable = value.includes(path.sep) ? value : onPath(value, env)
    if (executable && isExecutable(executable)) return { executable, source }
    throw new EnvironmentError(
      `The browser given by ${source} (${value}) is not an executable file; fix it, or unset it to let diapo look for an installed browser`,
    )
  }
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean)
  for (const name of installedNames) {
    const executable = onPath(name, env, dirs)
    if (executable) return { executable, source: 'installed' }
  }
  const known = (installedPaths[process.platform] ?? []).find(isExecutable)
  if (known) return { executable: known, source: 'installed' }
  throw new EnvironmentError(`No Chrome, Chromium or Edge found. ${installAdvice()}`)
}

/** How to get a browser on this system. */
export function installAdvice(): string {
  const how =
    process.platform === 'darwin'
      ? 'brew install --cask chromium'
      : process.platform === 'win32'
        ? 'winget install Google.Chrome'
        : 'sudo apt-get install -y chromium chromium-headless-shell   (Debian; Ubuntu, Fedora: install chromium)'
  return `Install one with:  ${how}\nor name one with --browser /path/to/chrome or CHROME_PATH=/path/to/chrome`
}

function onPath(name: string, env: NodeJS.ProcessEnv, dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean)): string | undefined {
  for (const dir of dirs) {
    const candidate = path.join(dir, name)
    if (isExecutable(candidate)) return candidate
  }
  return undefined
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK)
    return statSync(file).isFile()
  } catch {
    return false
  }
}

/** A started browser, and how to end it for good. */
export interface RunningBrowser {
  browser: Browser
  choice: BrowserChoice
  /** The page the browser opened as it started, if any: its first tab shows it. */
  startUrl: string | undefined
  /** The browser's profile folder, made for it (see {@link profileParent}) and removed by `close()`. */
  profile: string
  /**
   * A tab of one's own: the browser's first, blank tab the first time (when
   * it was not started on a page), else a new one.
   */
  newPage(): Promise<Page>
  /** End the browser and every process it started, and remove its profile. */
  close(): Promise<void>
}

// Only `connect` is used: the package's main entry would also load its launcher and browser
// downloader (~1.9 MB: proxy agents, a JavaScript engine for PAC files), ~45 ms of CPU at start-up.
// Its types come from the main entry's declarations, which describe the same classes.
const importPuppeteer = async (): Promise<{
  connect(options: ConnectOptions): Promise<Browser>
  PipeTransport: new (write: NodeJS.WritableStream, read: NodeJS.ReadableStream) => ConnectionTransport
}> => {
  const [{ connect }, { PipeTransport }] = await Promise.all([
    import('puppeteer-core/lib/esm/puppeteer/puppeteer-core-browser.js'),
    import('puppeteer-core/lib/esm/puppeteer/node/PipeTransport.js'),
  ])
  return { connect, PipeTransport } as never
}
let puppeteer: ReturnType<typeof importPuppeteer> | undefined

/** Start loading puppeteer-core (~0.05 s of CPU), without starting any browser. */
function preloadPuppeteer(): ReturnType<typeof importPuppeteer> {
  puppeteer ??= importPuppeteer()
  return puppeteer
}

/**
 * Start `choice` headless, with a fresh profile of its own. The browser is
 * spawned while puppeteer-core loads, then connected to over a pipe: the
 * loading is hidden in the browser's start.
 */
export async function launchBrowser(
  choice: BrowserChoice,
  options: {
    timeout?: number
    startUrl?: string
    /** diapo's own server: the one address the browser may reach. */
    origin?: LocalOrigin
    /** Let the browser reach every server on this machine (tests and benchmarks of `diapo dev`); never for a build. */
    loopback?: boolean
  } = {},
): Promise<RunningBrowser> {
  const timeout = options.timeout ?? 30_000
  const parent = await profileParent()
  // What a killed diapo left: its browser's processes, then their profile.
  await sweep(parent, profilePrefix, (folder) => {
    for (const pid of processesUsing(`--user-data-dir=${folder}`)) killGroup(pid)
  })
  const name = `${profilePrefix}${owner}-${randomBytes(4).toString('hex')}`
  const profile = path.join(parent, name)
  // The browser's temporary files go inside its profile, so that removing the profile removes them too,
  // unless Chromium's socket would not fit there (see socketFits): then in a folder of their own in /tmp.
  const inProfile = path.join(profile, 'tmp')
  const temporary = socketFits(inProfile) ? inProfile : path.join(shortRoot, name)
  const folders = temporary === inProfile ? [profile] : [profile, temporary]
  if (temporary !== inProfile && parent !== shortRoot) await sweep(shortRoot, profilePrefix)
  let child: ChildProcess | undefined = undefined
  const kill = () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) killGroup(child.pid)
  }
  // The profile goes once every process of the browser is: one still running would write into it again.
  const gone = () => !child?.pid || groupMembers(child.pid).length === 0
  // Registered before the profile exists, and until it is gone: Ctrl-C at any moment leaves nothing.
  const done = untilDone(() => {
    kill()
    waitSync(gone, 2000)
    for (const folder of folders) rmSync(folder, { recursive: true, force: true })
  })
  const end = async () => {
    kill()
    for (let waited = 0; !gone() && waited < 2000; waited += 2) await new Promise((resolve) => setTimeout(resolve, 2))
    for (const folder of folders) await rm(folder, { recursive: true, force: true, maxRetries: 3 }).catch(() => {})
    done()
  }
  // `<-loopback>`: loopback goes through the (missing) proxy too, but for diapo's own server.
  const bypass = options.loopback ? [] : ['<-loopback>', ...(options.origin ? [`127.0.0.1:${options.origin.port}`] : [])]
  const args = [...chromiumFlags, `--proxy-bypass-list=${bypass.join(';')}`, `--user-data-dir=${profile}`, '--remote-debugging-pipe']
  if (process.getuid?.() === 0) args.push('--no-sandbox')
  args.push(options.startUrl ?? 'about:blank')

  try {
    // Made synchronously: a folder made on libuv's threads could appear after Ctrl-C's undo removed it.
    mkdirSync(profile, { mode: 0o700 })
    mkdirSync(temporary, { mode: 0o700 })
  } catch (error) {
    await end()
    throw new EnvironmentError(`Cannot make the browser's profile in ${parent}: ${(error as Error).message}`, { cause: error })
  }
  // Detached: the browser leads its own process group, which is ended as a whole.
  const env = { ...process.env, TMPDIR: temporary }
  child = spawn(choice.executable, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], env })
  // The protocol pipes break when the browser is killed, which is how it ends: expected, not an error.
  for (const stream of child.stdio.slice(2)) stream?.on('error', () => {})
  let browser: Browser
  try {
    // The DevTools protocol over a pipe (fds 3 and 4): no port, no HTTP handshake; the first
    // messages wait in the pipe until the browser reads them.
    const watch = watchStart(child, timeout)
    const connecting = (async () => {
      const { connect, PipeTransport } = await preloadPuppeteer()
      const transport = new PipeTransport(child.stdio[3] as NodeJS.WritableStream, child.stdio[4] as NodeJS.ReadableStream)
      // No time limit of puppeteer's own: every call to the browser goes through withTimeout, whose limit follows the work.
      return connect({ transport, defaultViewport: null, protocolTimeout: 0 })
    })()
    browser = await Promise.race([connecting, watch.failed]).finally(watch.started)
  } catch (error) {
    await end()
    throw new EnvironmentError(`Cannot start the browser ${choice.executable} (from ${choice.source}): ${(error as Error).message}`, {
      cause: error,
    })
  }
  let closing: Promise<void> | undefined
  // Opening a tab costs a renderer process: the one the browser starts with is used first.
  let firstTabFree = options.startUrl === undefined
  return {
    browser,
    choice,
    startUrl: options.startUrl,
    profile,
    async newPage() {
      if (firstTabFree) {
        firstTabFree = false
        const first = (await browser.pages()).find((page) => page.url() === 'about:blank')
        if (first) return first
      }
      return browser.newPage()
    },
    close() {
      // Nothing of the profile is kept, so there is nothing for the browser to
      // save: killing it outright ends it ~0.1 s sooner than asking it to quit.
      closing ??= (async () => {
        await browser.disconnect().catch(() => {})
        await end()
      })()
      return closing
    },
  }
}

/**
 * Where a browser profile goes: under `TMPDIR` when it is set, else in
 * memory (`/dev/shm`) where there is such a folder, else in the system's
 * temporary folder. A profile is thrown away after the build; the browser
 * syncs ~230 files to disk while it makes one, which costs ~0.09 s a build
 * where the temporary folder is on disk, and nothing in memory.
 */
export async function profileParent(): Promise<string> {
  if (process.env.TMPDIR) return temporaryRoot()
  try {
    accessSync('/dev/shm', constants.W_OK)
    if (statSync('/dev/shm').isDirectory()) return '/dev/shm'
  } catch {
    // No memory-backed folder here.
  }
  return temporaryRoot()
}

/**
 * Whether Chromium can start with `folder` as its TMPDIR. It makes its
 * process-singleton socket at `$TMPDIR/org.chromium.Chromium.XXXXXX/SingletonSocket`,
 * and a Unix socket's path holds at most 107 bytes on Linux, 103 on macOS:
 * past that the browser aborts ("Socket path too long"). A profile under
 * a long TMPDIR (macOS's own, ~49 bytes; a test's or a CI runner's) is too
 * deep for it. Windows has no such socket.
 */
export function socketFits(folder: string): boolean {
  return process.platform === 'win32' || Buffer.byteLength(path.join(folder, 'org.chromium.Chromium.XXXXXX', 'SingletonSocket')) <= 103
}

/** Where the browser's temporary files go when its profile is too deep for its socket. */
const shortRoot = '/tmp'

/** How a browser profile's name starts; the owner (see `folders.ts`) follows. */
const profilePrefix = 'diapo-chromium-'

/**
 * Watch `child` while it starts: `failed` rejects if it exits, cannot be run,
 * or takes longer than `timeout`, with the end of what it printed. Its
 * output is read on all along, so it never blocks on a full pipe.
 */
function watchStart(child: ChildProcess, timeout: number): { failed: Promise<never>; started(): void } {
  let output = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000)
  })
  let reject: (error: Error) => void = () => {}
  const failed = new Promise<never>((_, rejectWith) => (reject = rejectWith))
  const fail = (reason: string) => {
    started()
    reject(new Error(reason))
  }
  const onExit = (code: number | null, signal: string | null) =>
    fail(`it exited (${signal ?? `status ${code}`}) before it was ready:\n${output.trim().split('\n').slice(-5).join('\n')}`)
  const onError = (error: Error) => fail(error.message)
  // The time counted is the browser's, not diapo's: while diapo's own work holds the event loop (it parses
  // the deck as the browser starts: ~1.6 s for 1,000 slides), the browser's answer waits unread, and a plain
  // timer, run first once the loop is free, blamed the browser. A tick counts for at most two ticks' time.
  const tick = 100
  let counted = 0
  let last = performance.now()
  const timer = setInterval(() => {
    const now = performance.now()
    counted += Math.min(now - last, 2 * tick)
    last = now
    if (counted < timeout) return
    fail(`it did not start within ${timeout / 1000} s; on a busy machine, give it more time with --timeout ${Math.max(120, timeout / 500)}`)
  }, tick)
  child.once('exit', onExit)
  child.once('error', onError)
  function started() {
    clearInterval(timer)
    child.off('exit', onExit)
    child.off('error', onError)
  }
  return { failed, started }
}

function killGroup(pid: number) {
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}

/**
 * `action`, or an error naming `what` once `milliseconds` have passed: every
 * call to the browser goes through here, so a hung browser ends the command
 * (exit 3) instead of hanging it. `what` may be asked for only then, e.g.
 * of a page that knows which step it was waiting for.
 *
 * A step whose work grows with the deck (printing 5,000 slides takes
 * minutes) passes `longer`: it may then take up to `upTo` milliseconds, as
 * long as the browser keeps answering; one that stops answering for
 * `milliseconds` ends the step as soon.
 */
export async function withTimeout<T>(
  what: string | (() => Promise<string>),
  milliseconds: number,
  action: () => Promise<T>,
  longer?: { browser: Browser; upTo: number },
): Promise<T> {
  const timers = new Set<NodeJS.Timeout>()
  const later = (delay: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      run()
    }, delay)
    timers.add(timer)
  }
  let settled = false
  const expired = new Promise<never>((_, reject) => {
    const fire = (after: number, why = '') => {
      if (settled) return
      const description = typeof what === 'string' ? Promise.resolve(what) : what().catch(() => 'the browser')
      void description.then((text) =>
        reject(
          new EnvironmentError(
            `Timed out after ${Math.round(after / 1000)} s waiting for ${text}${why}; on a busy machine, give it more time with --timeout ${Math.max(120, Math.round(milliseconds / 500))}`,
          ),
        ),
      )
    }
    later(longer?.upTo ?? milliseconds, () => fire(longer?.upTo ?? milliseconds))
    if (!longer) return
    // Alive: the browser answers a question within the step's time; a hung one never does.
    const beat = Math.min(1000, milliseconds / 3)
    const ping = () => {
      if (settled) return
      let answered = false
      later(milliseconds, () => answered || fire(milliseconds, ' (the browser stopped answering)'))
      longer.browser.version().then(
        () => ((answered = true), later(beat, ping)),
        () => (answered = true),
      )
    }
    later(beat, ping)
  })
  try {
    return await Promise.race([action(), expired])
  } finally {
    settled = true
    for (const timer of timers) clearTimeout(timer)
  }
}

/** What a page served on diapo's own server gets: a path (with its query) within the mount. */
export type Serve = (request: IncomingMessage, response: ServerResponse, pathname: string) => void

/**
 * The one address the browser may reach: a server of diapo's own on
 * 127.0.0.1, started before the browser so that its port is the only
 * exception to the browser's no-network rule. Pages mount their files on it
 * (the diagram page), each under a path of its own.
 */
export class LocalOrigin {
  readonly #server: Server
  readonly #mounts = new Map<string, Serve>()
  #next = 0

  private constructor(server: Server) {
    this.#server = server
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const [, mount = '', ...rest] = (request.url ?? '/').split('/')
      const serve = this.#mounts.get(mount)
      if (serve) return serve(request, response, `/${rest.join('/')}`)
      response.writeHead(404, { 'content-type': 'text/plain' })
      response.end('not found')
    })
  }

  /** Listen on a free port of 127.0.0.1. */
  static async start(): Promise<LocalOrigin> {
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', resolve)
    })
    server.unref()
    return new LocalOrigin(server)
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port
  }

  /** Serve requests under a new path; returns its base URL (ending in `/`) and how to stop. */
  mount(serve: Serve): { base: string; unmount: () => void } {
    const name = `m${++this.#next}`
    this.#mounts.set(name, serve)
    return { base: `http://127.0.0.1:${this.port}/${name}/`, unmount: () => void this.#mounts.delete(name) }
  }

  close(): void {
    this.#server.close()
    this.#server.closeAllConnections()
  }
}

/** How a session reports what it does, e.g. for `--verbose`. */
export type Log = (line: string) => void

/**
 * The browser of one build or one server: started on first need, at most
 * once, and closed by whoever made the session.
 */
export class BrowserSession {
  /** How many browsers this session started: 0 when nothing needed one. */
  launches = 0
  readonly #find: () => BrowserChoice
  readonly #log: Log
  readonly #timeout: number | undefined
  #running: Promise<RunningBrowser> | undefined
  #closing: Promise<void> | undefined
  #origin: Promise<LocalOrigin> | undefined

  /** `timeout`: how long the browser may take to start, in milliseconds (the command's --timeout). */
  constructor(options: FindBrowserOptions & { log?: Log | undefined; timeout?: number | undefined } = {}) {
    this.#find = () => findBrowser(options)
    this.#log = options.log ?? (() => {})
    this.#timeout = options.timeout
  }

  /**
   * The running browser, started now if it was not yet; a browser started
   * now opens `startUrl` as its first tab, before puppeteer is connected.
   */
  get(options: { startUrl?: string } = {}): Promise<RunningBrowser> {
    this.#running ??= (async () => {
      const choice = this.#find()
      this.launches++
      const origin = await this.origin()
      this.#log(`browser: starting ${choice.executable} (from ${choice.source})`)
      const running = await launchBrowser(choice, { ...options, timeout: this.#timeout, origin })
      this.#log('browser: started')
      return running
    })()
    return this.#running
  }

  /** The server the browser of this session may load from (see {@link LocalOrigin}); started at most once. */
  origin(): Promise<LocalOrigin> {
    this.#origin ??= LocalOrigin.start()
    return this.#origin
  }

  /** End the browser, if one was started; a second call waits for the first to finish. */
  async close(): Promise<void> {
    const running = this.#running
    this.#running = undefined
    const origin = this.#origin
    this.#origin = undefined
    void origin?.then(
      (server) => server.close(),
      () => {},
    )
    if (running) {
      this.#closing = (async () => {
        await (await running.catch(() => undefined))?.close()
        this.#log('browser: closed')
      })()
    }
    await this.#closing
  }
}
