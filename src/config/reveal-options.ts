/**
 * The frontmatter's `reveal:` map, checked before it reaches
 * `Reveal.initialize`. Most options are plain settings; a few load code
 * (`dependencies`, `plugins`) or files from the web. Those get a warning at
 * their line; with `--safe`, only plain settings of a known list are kept,
 * and every other key is dropped with a warning.
 */
import type { VFile } from 'vfile'
import { warn } from '../messages.ts'
import type { KeyPlace } from '../types.ts'

/** reveal.js options that are plain settings: a boolean, a number or a word, never code or a URL. */
export const plainOptions = new Set([
  'controls',
  'controlsTutorial',
  'controlsLayout',
  'controlsBackArrows',
  'progress',
  'slideNumber',
  'showSlideNumber',
  'hashOneBasedIndex',
  'hash',
  'respondToHashChanges',
  'jumpToSlide',
  'history',
  'disableLayout',
  'overview',
  'center',
  'touch',
  'loop',
  'rtl',
  'navigationMode',
  'shuffle',
  'fragments',
  'fragmentInURL',
  'embedded',
  'help',
  'pause',
  'showNotes',
  'showHiddenSlides',
  'autoPlayMedia',
  'preloadIframes',
  'autoAnimate',
  'autoAnimateEasing',
  'autoAnimateDuration',
  'autoAnimateUnmatched',
  'autoSlide',
  'autoSlideStoppable',
  'defaultTiming',
  'mouseWheel',
  'previewLinks',
  'focusBodyOnPageVisibilityChange',
  'transition',
  'transitionSpeed',
  'backgroundTransition',
  'pdfMaxPagesPerSlide',
  'pdfSeparateFragments',
  'pdfPageHeightOffset',
  'viewDistance',
  'mobileViewDistance',
  'display',
  'hideInactiveCursor',
  'hideCursorTime',
  'sortFragmentsOnSync',
  'width',
  'height',
  'margin',
  'minScale',
  'maxScale',
  'view',
  'scrollProgress',
  'scrollSnap',
  'scrollLayout',
  'scrollActivationWidth',
])

/** Options that load and run scripts. */
const codeOptions = new Set(['dependencies', 'plugins'])

/** The `reveal:` options to pass on; problems are reported on `file` at each key's place. */
export function revealOptions(
  options: Record<string, unknown>,
  places: Record<string, KeyPlace>,
  file: VFile,
  safe: boolean,
): Record<string, unknown> {
  const kept: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(options)) {
    const place = places[key]
    const plain = plainOptions.has(key) && ['boolean', 'number', 'string'].includes(typeof value) && !hasUrl(value)
    if (safe && !plain) {
      const why = codeOptions.has(key)
        ? 'it loads and runs scripts'
        : hasUrl(value)
          ? 'it names a URL'
          : 'it is not one of the plain settings --safe keeps'
      warn(file, `\`reveal.${key}\` is dropped with --safe: ${why}`, place, 'safe')
      continue
    }
    if (codeOptions.has(key)) {
      warn(
        file,
        `\`reveal.${key}\` loads and runs scripts in every browser that opens the deck; build with --safe to drop it`,
        place,
        'raw-script',
      )
    } else if (hasRemoteUrl(value)) {
      warn(
        file,
        `\`reveal.${key}\` names a file on the web: the deck needs the network for it; build with --safe to drop it`,
        place,
        'remote-resource',
      )
    }
    kept[key] = value
  }
  return kept
}

/** Whether a value holds, anywhere, a string that is a URL with a scheme or a protocol-relative one. */
function hasUrl(value: unknown): boolean {
  return strings(value).some((text) => /^\s*(?:[a-z][a-z\d+.-]*:|\/\/)/i.test(text))
}

function hasRemoteUrl(value: unknown): boolean {
  return strings(value).some((text) => /^\s*(?:[a-z][a-z\d+.-]*:)?\/\//i.test(text))
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(strings)
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings)
  return []
}
