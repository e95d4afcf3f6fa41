/** The resolve hook of module-trace.mjs (it runs on the loader's own thread). */
import { appendFileSync } from 'node:fs'

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  if (process.env.DIAPO_MODULE_TRACE) appendFileSync(process.env.DIAPO_MODULE_TRACE, `${result.url}\n`)
  return result
}
