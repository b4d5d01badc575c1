/**
 * `schemaFault`: Ajv's first error in fairfit's words, on a small schema with what the library's
 * schemas use (ops under a discriminator, `$ref`, nested objects, enum, ranges, `propertyNames`,
 * `oneOf`): the field each names and what it says, worked by hand.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { schemaFault, type SchemaWords } from '../../src/schema-errors.ts';

const OPS = ['put', 'take'] as const;
const SCHEMA = {
  type: 'object', required: ['op'], properties: { op: { enum: OPS } },
  discriminator: { propertyName: 'op' },
  oneOf: [{ $ref: '#/$defs/put' }, { $ref: '#/$defs/take' }],
  $defs: {
    box: {
      type: 'object', additionalProperties: false, required: ['width', 'colour'],
      properties: { width: { type: 'number', minimum: 0 }, colour: { enum: ['red', 'blue'] }, label: { type: 'string', minLength: 1 }, code: { type: 'string', minLength: 3 } },
    },
    put: {
      type: 'object', additionalProperties: false, required: ['op', 'box', 'count'],
      properties: {
        op: { const: 'put' }, box: { $ref: '#/$defs/box' }, count: { type: 'integer', exclusiveMinimum: 0 },
        tags: { type: 'object', propertyNames: { type: 'string', minLength: 1 }, additionalProperties: { type: 'number' } },
        size: { oneOf: [{ type: 'number' }, { type: 'array', items: { type: 'number' } }] },
      },
    },
    take: { type: 'object', additionalProperties: false, required: ['op'], properties: { op: { const: 'take' }, ids: { type: ['array', 'null'] } } },
  },
} as const;

const validate = new Ajv2020({ allErrors: false, verbose: true, discriminator: true, strict: true, strictNumbers: true }).compile(SCHEMA as object);
const WORDS: SchemaWords = { root: 'command', ops: OPS, badKey: ': keys must be tag names', oneOf: 'must be a number or an array of them' };

/** `${field} ${why}` of `value`, and its field; undefined when valid. */
function fault(value: unknown, words = WORDS): [string, string] | undefined {
  if (validate(value)) return undefined;
  const { field, why } = schemaFault(validate.errors, value, words);
  return [field, `${field} ${why}`];
}

const box = { width: 2, colour: 'red' };
const put = { op: 'put', box, count: 1 };

describe('schemaFault', () => {
  it('a valid value has no fault', () => {
    expect(fault(put)).toBeUndefined();
  });

  it('ops: a missing, unknown or non-string op lists them', () => {
    expect(fault({ box })).toEqual(['command.op', 'command.op must be one of put, take; it is missing']);
    expect(fault({ op: 'drop' })).toEqual(['command.op', 'command.op must be one of put, take; got "drop"']);
    expect(fault({ op: 7 })).toEqual(['command.op', 'command.op must be one of put, take; got 7']);
  });

  it('a field not allowed is named, with the nearest allowed one, before the field it leaves missing; at the root "of op", else of its object', () => {
    expect(fault({ ...put, cont: 1, count: undefined })).toEqual(['command.cont', 'command.cont is not a field of op "put" (did you mean count?)']);
    expect(fault({ ...put, extra: 1 })).toEqual(['command.extra', 'command.extra is not a field of op "put"']);
    expect(fault({ ...put, box: { width: 2, color: 'red' } })).toEqual(['command.box.color', 'command.box.color is not a field of command.box (did you mean colour?)']);
    expect(fault({ op: 'put', box })).toEqual(['command.count', 'command.count is required']);
  });

  it('wrong types, enums and ranges show the value given', () => {
    expect(fault({ ...put, count: 1.5 })).toEqual(['command.count', 'command.count must be an integer, got 1.5']);
    expect(fault({ ...put, box: { ...box, width: 'wide' } })).toEqual(['command.box.width', 'command.box.width must be a finite number, got "wide"']);
    expect(fault({ op: 'take', ids: 3 })).toEqual(['command.ids', 'command.ids must be an array or null, got 3']);
    expect(fault({ ...put, box: { ...box, colour: 'green' } })).toEqual(['command.box.colour', 'command.box.colour must be one of "red", "blue"; got "green"']);
    expect(fault({ ...put, box: { ...box, width: -1 } })).toEqual(['command.box.width', 'command.box.width must be >= 0, got -1']);
    expect(fault({ ...put, count: 0 })).toEqual(['command.count', 'command.count must be > 0, got 0']);
  });

  it('lengths, keys and oneOf', () => {
    expect(fault({ ...put, box: { ...box, label: '' } })).toEqual(['command.box.label', 'command.box.label must be a non-empty string']);
    expect(fault({ ...put, box: { ...box, code: 'ab' } })).toEqual(['command.box.code', 'command.box.code must have at least 3 characters']);
    expect(fault({ ...put, tags: { '': 1 } })).toEqual(['command.tags', 'command.tags has an invalid key "": keys must be tag names']);
    expect(fault({ ...put, tags: { 'a b': 'x' } })).toEqual(['command.tags["a b"]', 'command.tags["a b"] must be a finite number, got "x"']);
    expect(fault({ ...put, size: 'big' })).toEqual(['command.size', 'command.size must be a number or an array of them']);
    expect(fault({ ...put, size: 'big' }, { root: 'command', ops: OPS })).toEqual(['command.size', 'command.size must match exactly one schema in oneOf']);
  });

  it('named from the root given', () => {
    expect(fault({ ...put, count: 'x' }, { ...WORDS, root: 'scenario' })).toEqual(['scenario.count', 'scenario.count must be an integer, got "x"']);
  });

  it('no error listed: the root is invalid', () => {
    expect(schemaFault([], {}, WORDS)).toEqual({ field: 'command', why: 'is invalid' });
    expect(schemaFault(null, {}, WORDS)).toEqual({ field: 'command', why: 'is invalid' });
  });
});
