/**
 * A deck's settings as a build uses them: diapo's defaults, then the config
 * file's, then the first file's frontmatter (others' is warned of), its
 * `reveal:` options checked.
 */
import type { VFile } from 'vfile'
import { warn } from '../messages.ts'
import { defaultConfig, type DeckConfig } from './deck-config.ts'
import { revealOptions } from './reveal-options.ts'

/** The deck's settings: diapo's defaults, the config file's, then the first file's frontmatter, its `reveal:` options checked. */
export function deckConfig(files: readonly VFile[], safe: boolean, defaults: Partial<DeckConfig> = {}): DeckConfig {
  for (const file of files.slice(1)) {
    const places = Object.values(file.data.frontmatter?.places ?? {})
    if (places.length > 0) {
      warn(file, 'Frontmatter is only read from the first file of the deck; move these settings there', places[0], 'frontmatter-ignored')
    }
  }
  const first = files[0]
  const config = { ...defaultConfig, ...defaults, ...first?.data.frontmatter?.values }
  if (first) config.reveal = revealOptions(config.reveal, first.data.frontmatter?.revealPlaces ?? {}, first, safe)
  return config
}
