import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS with a default export; under ESM it arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

const common: Options = { allErrors: false, useDefaults: true, removeAdditional: false, strict: false };

/**
 * Bodies are validated as sent: `{"name": 42}` is a type error, not the string "42". Query strings,
 * params and headers are text on the wire, so there numbers and booleans are read from strings.
 */
export function validatorCompiler(): FastifySchemaCompiler<FastifySchema> {
  const strict = addFormats(new Ajv({ ...common, coerceTypes: false }));
  const coercing = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema as object);
}
