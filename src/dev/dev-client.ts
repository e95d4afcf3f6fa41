/**
 * The script `diapo dev` adds to the deck's page (never to a built deck):
 * it listens to the server's update stream and keeps the page current.
 *
 * - New slides: the top-level slides that changed are swapped in place,
 *   by comparing each slide's hash with the page's; the view stays on the
 *   same slide and fragment — the same content, when slides were added or
 *   removed before it.
 * - Reload (theme or settings changed): the slide is written into the URL
 *   first (reveal.js does so itself at most once a second, so its URL can
 *   lag behind), and the page comes back where it was.
 * - Errors: shown over the last good deck, with their places, until fixed.
 *
 * Kept as text, not as a function, because it runs in the browser.
 */
export const devClient = String.raw`(() => {
  const state = window.diapoDev || { version: 0, hashes: [], errors: [] }
  let overlay

  function showErrors(messages) {
    if (!overlay) {
      overlay = document.createElement('div')
      overlay.id = 'diapo-dev-errors'
      overlay.setAttribute('role', 'alert')
      overlay.style.cssText = 'position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;' +
        'background:#2b0b0e;color:#ffd7d5;font:15px/1.45 ui-monospace,monospace;padding:16px 20px;' +
        'border-top:4px solid #ff6b6b;white-space:pre-wrap;text-align:left'
      document.body.append(overlay)
    }
    overlay.textContent = 'diapo: the deck has errors; showing the last good version\n\n' + messages.join('\n')
  }

  function clearErrors() {
    if (overlay) overlay.remove()
    overlay = undefined
  }

  /** Reload on the slide and fragment shown now. */
  function reloadHere() {
    if (window.Reveal && Reveal.isReady()) {
      const { h, v, f } = Reveal.getIndices()
      const base = Reveal.getConfig().hashOneBasedIndex ? 1 : 0
      history.replaceState(null, '', '#/' + (h + base) + '/' + (v + base) + (f >= 0 ? '/' + f : ''))
    }
    location.reload()
  }

  /** Swap the slides that changed; stay on the same content. */
  function updateSlides(update) {
    const container = document.querySelector('.reveal .slides')
    if (!container || !window.Reveal || !Reveal.isReady()) return reloadHere()
    const before = state.hashes
    const after = update.hashes
    const sections = [...container.children].filter((element) => element.tagName === 'SECTION')
    if (sections.length !== before.length) return reloadHere()
    let start = 0
    while (start < before.length && start < after.length && before[start] === after[start]) start++
    let end = 0
    while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++

    const { h, v, f } = Reveal.getIndices()
    const anchor = sections[before.length - end] || null
    for (const section of sections.slice(start, before.length - end)) section.remove()
    const template = document.createElement('template')
    template.innerHTML = update.slides.slice(start, after.length - end).join('\n')
    container.insertBefore(template.content, anchor)
    state.hashes = after

    // Where the view was: before the change, the same slide; after it, the same slide moved; inside it, the same place.
    const target = h < start ? h : h >= before.length - end ? h + after.length - before.length : Math.min(h, Math.max(start, after.length - end - 1))
    Reveal.sync()
    Reveal.slide(Math.max(0, target), v, f)
    // The speaker view learns of the change as of a move.
    Reveal.getRevealElement().dispatchEvent(new CustomEvent('slidechanged', { bubbles: true, detail: { indexh: target, indexv: v } }))
  }

  function connect() {
    // A deck of a course is served under its folder's name: the server says where its updates come from.
    const source = new EventSource((state.events || '/__diapo/events') + '?since=' + state.version)
    source.onmessage = (event) => {
      const update = JSON.parse(event.data)
      if (update.version <= state.version && update.type !== 'errors') return
      state.version = update.version
      if (update.type === 'errors') return showErrors(update.messages)
      clearErrors()
      if (update.type === 'reload') return reloadHere()
      updateSlides(update)
      document.documentElement.dataset.diapoVersion = String(update.version)
    }
  }

  if (state.errors.length > 0) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => showErrors(state.errors))
    else showErrors(state.errors)
  }
  document.documentElement.dataset.diapoVersion = String(state.version)
  connect()
})()
`
