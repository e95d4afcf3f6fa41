/**
 * CSS that needs no network: a `url()` or `@import` that names the web is
 * left out, so the deck shows the same offline as on the conference Wi-Fi,
 * and nothing it shows tells a server that it was opened.
 */

/** Whether a URL names the web: `https://…`, `//host/…`, or any scheme with `//`. */
export function isRemoteUrl(target: string): boolean {
  return /^\s*(?:[a-z][a-z\d+.-]*:)?\/\//i.test(target)
}

/** What a left-out `url()` becomes: an empty data URL, which loads nothing and keeps the declaration valid. */
export const offlineUrl = 'url("data:,")'

const remoteImport = /@import\s+(?:url\(\s*)?(['"]?)([^'")\s;]+)\1\s*\)?[^;]*;?/gi
const urlFunction = /url\(\s*(['"]?)([^'")]+)\1\s*\)/gi
/** An SVG `<image>` or `<use>` that loads a file: `href` or `xlink:href`. */
const svgHref = /(<(?:image|use|feImage)\b[^>]*?)\s(?:xlink:)?href\s*=\s*("[^"]*"|'[^']*')/gi

/** `text` (CSS, or markup with CSS in it) with every remote `url()`, `@import` and SVG image link left out. */
export function withoutRemoteUrls(text: string): { text: string; remote: string[] } {
  const remote: string[] = []
  const cleaned = text
    .replace(remoteImport, (whole: string, _quote: string, target: string) => (isRemoteUrl(target) ? (remote.push(target), '') : whole))
    .replace(urlFunction, (whole: string, _quote: string, target: string) =>
      isRemoteUrl(target) ? (remote.push(target), offlineUrl) : whole,
    )
    .replace(svgHref, (whole: string, start: string, value: string) => {
      const target = value.slice(1, -1).replace(/&amp;/g, '&')
      return isRemoteUrl(target) ? (remote.push(target), start) : whole
    })
  return { text: cleaned, remote: [...new Set(remote)] }
}
