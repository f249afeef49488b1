import type { StandardSchemaV1 } from '@standard-schema/spec';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

// One compiler per process: compiled validators are cached by the schema's
// hash, so reloading the registry recompiles only what changed. Patterns
// without the `u` flag, as JavaScript's RegExp (and zod) read them; unknown
// keywords (a library's annotations) are ignored rather than refused.
const ajv = new Ajv2020({ allErrors: true, strict: false, unicodeRegExp: false, logger: false });
addFormats.default(ajv);
const compiled = new Map<string, StandardSchemaV1>();

/**
 * A Standard Schema that validates with `jsonSchema` (draft 2020-12, as a
 * worker registered it): what the API checks event data against without the
 * app's code. Throws when the schema does not compile.
 */
export function jsonSchemaValidator(jsonSchema: Record<string, unknown>, hash: string): StandardSchemaV1 {
  let schema = compiled.get(hash);
  if (!schema) {
    const validate = ajv.compile(withoutMetaSchema(jsonSchema));
    schema = { '~standard': { version: 1, vendor: 'switchyard-json-schema', validate: (value) => check(validate, value) } };
    compiled.set(hash, schema);
  }
  return schema;
}

// `$schema` names the draft, which the compiler is already set to.
function withoutMetaSchema(jsonSchema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _draft, ...rest } = jsonSchema;
  return rest;
}

function check(validate: ValidateFunction, value: unknown): StandardSchemaV1.Result<unknown> {
  if (validate(value)) return { value };
  return { issues: (validate.errors ?? []).map(issueOf) };
}

/** An error of the compiler as an issue: its path as keys, and a message a producer can act on. */
function issueOf(error: ErrorObject): StandardSchemaV1.Issue {
  const path = error.instancePath === '' ? [] : error.instancePath.slice(1).split('/').map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
  switch (error.keyword) {
    case 'required':
      return { path: [...path, (error.params as { missingProperty: string }).missingProperty], message: 'is required' };
    case 'additionalProperties':
      return { path: [...path, (error.params as { additionalProperty: string }).additionalProperty], message: 'is not allowed here' };
    case 'const':
      return { path, message: `must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}` };
    case 'enum':
      return { path, message: `must be one of ${((error.params as { allowedValues: unknown[] }).allowedValues ?? []).map((value) => JSON.stringify(value)).join(', ')}` };
    default:
      return { path, message: error.message ?? `fails ${error.keyword}` };
  }
}
