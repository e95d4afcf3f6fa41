/**
 * Reporting problems in the content on the file they are in, with a place,
 * the way unified plugins do: the transform carries on, the CLI prints them.
 */
import type { Node } from 'unist'
import type { VFile } from 'vfile'
import type { VFileMessage } from 'vfile-message'

type Place = Node | Node['position'] | { line: number; column: number }

const source = 'diapo'

/** Report something worth a look; the build still succeeds. */
export function warn(file: VFile, reason: string, place: Place | undefined, ruleId: string): VFileMessage {
  return file.message(reason, { place: toPlace(place), ruleId, source })
}

/** Report something that fails the build, without stopping the transform, so all problems are seen in one run. */
export function fail(file: VFile, reason: string, place: Place | undefined, ruleId: string): VFileMessage {
  const message = warn(file, reason, place, ruleId)
  message.fatal = true
  return message
}

function toPlace(place: Place | undefined) {
  if (!place) return undefined
  if ('type' in place) return place.position
  return place
}
