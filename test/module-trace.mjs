/**
 * Loaded with `node --import` by tests: writes every module the process
 * loads to the file named by DIAPO_MODULE_TRACE, one URL a line, to tell
 * what a command loaded (a deck without math must load nothing of KaTeX).
 */
import { register } from 'node:module'

register('./module-trace-hooks.mjs', import.meta.url)
