/**
 * Reading a few members of a large JSON object without parsing it whole
 * (`src/files/json-members.ts`): what it finds must be what `JSON.parse` finds.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { test } from 'node:test'
import { members, parseSpan } from '../src/files/json-members.ts'
import { root } from './helpers.ts'

/** Every member of the object, parsed through its span. */
function walked(json: Buffer, at?: number): Record<string, unknown> {
  return Object.fromEntries([...members(json, at)].map(([key, span]) => [key, parseSpan(json, span)]))
}

test('each member is found and parsed as JSON.parse parses it, whatever its strings hold', () => {
  const value = {
    plain: 'text',
    quotes: 'say "hi" {not an object} [nor an array]',
    backslashes: 'ends with a backslash \\',
    escapes: 'tab\tnew line\nunicode é 🐳 \u0001',
    'key with "quotes" and \\': 1,
    'clé ünïcode': -12.5e3,
    nested: { a: [1, { b: '}' }, []], c: {} },
    list: ['[', ']', '{', '}', '"'],
    yes: true,
    no: false,
    nothing: null,
    empty: '',
    zero: 0,
  }
  for (const text of [JSON.stringify(value), JSON.stringify(value, null, '\t'), JSON.stringify(value, null, 2).replace(/\n/g, '\r\n')]) {
    assert.deepEqual(walked(Buffer.from(text)), value)
  }
  assert.deepEqual(walked(Buffer.from('  { }  ')), {})
})

test('a member that is an object can be walked in turn, from its span', () => {
  const json = Buffer.from(JSON.stringify({ info: { name: 'x' }, icons: { one: { body: '<g/>' }, two: { body: '<path d="M0 0"/>' } } }))
  const icons = members(json, members(json).get('icons')!.start)
  assert.deepEqual([...icons.keys()], ['one', 'two'])
  assert.deepEqual(parseSpan(json, icons.get('two')!), { body: '<path d="M0 0"/>' })
})

test('malformed JSON is an error that says where, not a wrong answer', () => {
  for (const [text, at] of [
    ['[1, 2]', /byte 0: expected an object/],
    ['{"a": 1', /expected "," or "}"/],
    ['{"a" 1}', /expected ":"/],
    ['{"a": "open', /expected the end of a string/],
    ['{"a": {"b": [1, 2}', /expected the end of the value/],
    ['{a: 1}', /byte 1: expected a key/],
    ['{"a": }', /expected a value/],
  ] as const) {
    assert.throws(() => members(Buffer.from(text)), at, text)
  }
})

test('the icons a deck names, from the real logos pack, are the ones JSON.parse finds', async () => {
  const json = await readFile(path.join(root, 'node_modules', '@iconify-json', 'logos', 'icons.json'))
  const whole = JSON.parse(json.toString()) as { icons: Record<string, unknown>; aliases: Record<string, unknown>; width: number }
  const pack = members(json)
  const icons = members(json, pack.get('icons')!.start)
  const aliases = members(json, pack.get('aliases')!.start)
  assert.equal(icons.size, Object.keys(whole.icons).length)
  assert.equal(aliases.size, Object.keys(whole.aliases).length)
  for (const name of ['docker-icon', 'nginx', 'redis', 'ubuntu']) assert.deepEqual(parseSpan(json, icons.get(name)!), whole.icons[name])
  assert.deepEqual(parseSpan(json, aliases.get('tux')!), whole.aliases['tux'])
  assert.equal(parseSpan(json, pack.get('width')!), whole.width)
})
