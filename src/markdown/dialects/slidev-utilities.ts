/**
 * Slidev decks are laid out with utility classes — `grid grid-cols-2 gap-4`,
 * `text-center`, `abs-br m-6`, or the same as attributes (`grid="~ cols-2
 * gap-4"`) — which Slidev turns into CSS with UnoCSS. diapo does the same,
 * with UnoCSS itself, for a Slidev deck only, at Slidev's type sizes: the classes its Markdown uses,
 * as Slidev's default setup reads them (the Tailwind-like preset, attributes,
 * and Slidev's own `abs-*` shortcuts), with lengths scaled from Slidev's
 * 980 px wide canvas to diapo's, so that a `gap-4` takes the same share of
 * the slide. Loaded only for a Slidev deck (~100 ms).
 *
 * Nothing of it loads a file: a utility with a `url()` (`bg-[url(…)]`) is
 * left out, as themes' remote files are.
 */

/** Slidev's canvas width when its headmatter does not set `canvasWidth` (sli.dev/custom, "canvasWidth"). */
const slidevCanvasWidth = 980

/** Slidev's own shortcuts for placing an element at an edge of the slide (from its UnoCSS setup). */
const slidevShortcuts: Record<string, string> = {
  'abs-tl': 'absolute top-0 left-0',
  'abs-tr': 'absolute top-0 right-0',
  'abs-t': 'absolute top-0 left-0 right-0',
  'abs-b': 'absolute bottom-0 left-0 right-0',
  'abs-bl': 'absolute bottom-0 left-0',
  'abs-br': 'absolute bottom-0 right-0',
}

/**
 * Slidev's type sizes (its layouts' base: `text-[1.1rem]`, headings
 * `text-4xl` to `text-xl`; code 12 px), scaled to the canvas: a deck's
 * slides hold as much as their author laid out in Slidev, where diapo's own
 * sizes are half as large again.
 */
function slidevTypeSizes(scale: number): string {
  const body = 17.6
  const em = (px: number) => `${(px / body).toFixed(3)}em`
  return [
    '/* Slidev’s type sizes, scaled to the canvas (slidev-utilities.ts). */',
    '.reveal {',
    `  --r-main-font-size: ${(body * scale).toFixed(1)}px;`,
    `  --r-heading1-size: ${em(36)};`,
    `  --r-heading2-size: ${em(30)};`,
    `  --r-heading3-size: ${em(24)};`,
    `  --r-heading4-size: ${em(20)};`,
    '}',
    `.reveal pre { font-size: ${em(12)}; }`,
  ].join('\n')
}

/** The stylesheet of the utilities the sources use, for a canvas `canvasWidth` wide. */
export async function slidevUtilities(
  sources: string[],
  canvasWidth: number,
  slidevWidth = slidevCanvasWidth,
): Promise<{ path: string; content: string }> {
  const [{ createGenerator }, { default: presetWind3 }, { default: presetAttributify }, { default: presetRemToPx }] = await Promise.all([
    import('@unocss/core'),
    import('@unocss/preset-wind3'),
    import('@unocss/preset-attributify'),
    import('@unocss/preset-rem-to-px'),
  ])
  const generator = await createGenerator({
    presets: [
      presetWind3({ preflight: 'on-demand' }),
      presetAttributify(),
      presetRemToPx({ baseFontSize: (16 * canvasWidth) / slidevWidth }),
    ],
    shortcuts: slidevShortcuts,
  })
  // A class that would load a file (`bg-[url(…)]`) is not read at all.
  const offline = sources.map((source) => source.replace(/[^\s"'<>]*url\s*\([^)]*\)[^\s"'<>]*/gi, ''))
  const { css } = await generator.generate(offline.join('\n'), { preflights: true })
  return { path: 'assets/slidev-utilities.css', content: `${slidevTypeSizes(canvasWidth / slidevWidth)}\n${css}` }
}
