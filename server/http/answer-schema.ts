/**
 * An endpoint's answer schema as the JSON Schema Fastify compiles its serialiser from. Converted
 * once per endpoint name (several test apps register the same routes) and strictly: a valibot
 * action the converter cannot express is an error at registration, not a silently looser schema.
 */
import { toJsonSchema } from '@valibot/to-json-schema'
import type * as v from 'valibot'

const cache = new Map<string, object>()

export function answerJsonSchema(name: string, schema: v.GenericSchema): object {
  let json = cache.get(name)
  if (!json) {
    const { $schema: _draft, ...rest } = toJsonSchema(schema, { errorMode: 'throw' }) as Record<string, unknown>
    json = rest
    cache.set(name, json)
  }
  return json
}
