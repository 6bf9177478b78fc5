import type { MetadataStorage as TransformerMetadata } from 'class-transformer/types/MetadataStorage';
import {
  ARRAY_MAX_SIZE,
  ARRAY_MIN_SIZE,
  getMetadataStorage,
  IS_ARRAY,
  IS_BOOLEAN,
  IS_IN,
  IS_INT,
  IS_ISO8601,
  IS_LENGTH,
  IS_NOT_EMPTY,
  IS_NUMBER,
  IS_OBJECT,
  IS_OPTIONAL,
  IS_STRING,
  IS_UUID,
  MATCHES,
  MAX,
  MAX_LENGTH,
  MIN,
  MIN_LENGTH,
  ValidationArguments,
  ValidationTypes,
} from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

// The storage behind @Type/@Transform/@Expose; class-transformer does not export it from its root.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const transformerMetadata: TransformerMetadata = require('class-transformer/cjs/storage').defaultMetadataStorage;

/**
 * Built-in checks that look only at the value's type, length or text, so they
 * answer the same for the caller's JSON as for class-transformer's copy of it.
 */
const PURE_CHECKS = new Set<string>([
  ARRAY_MAX_SIZE,
  ARRAY_MIN_SIZE,
  IS_ARRAY,
  IS_BOOLEAN,
  IS_IN,
  IS_INT,
  IS_ISO8601,
  IS_LENGTH,
  IS_NOT_EMPTY,
  IS_NUMBER,
  IS_OBJECT,
  IS_STRING,
  IS_UUID,
  MATCHES,
  MAX,
  MAX_LENGTH,
  MIN,
  MIN_LENGTH,
]);

type Check = (value: unknown, object: Record<string, unknown>) => boolean;

interface PropertyRule {
  name: string;
  optional: boolean;
  checks: Check[];
  /** @ValidateNested with @Type: the class its object (or each array item) is validated as. */
  nested?: () => Validity | null;
}

/** True: valid. False: invalid or not sure; only validatePlain's full run names the errors. */
type Validity = (plain: Record<string, unknown>) => boolean;

const compiled = new Map<Function, Validity | null>();
const compiledNested = new Map<Function, Map<string, Validity | null>>();

/**
 * Whether class-validator would accept `plain` after plainToInstance (as
 * validatePlain runs it: whitelist, forbidNonWhitelisted, forbidUnknownValues),
 * answered from the DTO's decorators read once instead of on every call. It
 * never says true when the full run would fail: a DTO using anything beyond
 * plain checks, @IsOptional and @ValidateNested + @Type answers false, and so
 * does any input it is not sure about.
 */
export function isValidPlain(dto: Function, plain: unknown): boolean {
  const validity = validityOf(dto);
  return validity !== null && isPlainObject(plain) && validity(plain);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}

function validityOf(dto: Function): Validity | null {
  if (!compiled.has(dto)) {
    compiled.set(dto, null); // a class nesting itself stays on the full path
    compiled.set(dto, compile(dto, undefined));
  }
  return compiled.get(dto)!;
}

function compile(dto: Function, schema: string | undefined): Validity | null {
  const metadatas: ValidationMetadata[] = getMetadataStorage().getTargetValidationMetadatas(dto, schema as string, false, false);
  if (metadatas.length === 0) return null;
  if (transformerMetadata.getStrategy(dto) !== 'none' || transformerMetadata.getExposedMetadatas(dto).length) return null;
  if (transformerMetadata.getExcludedMetadatas(dto).length) return null;

  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const metadata of metadatas) byProperty.set(metadata.propertyName, [...(byProperty.get(metadata.propertyName) ?? []), metadata]);
  const rules: PropertyRule[] = [];
  for (const [name, list] of byProperty) {
    const rule = compileProperty(dto, name, list);
    if (!rule) return null;
    rules.push(rule);
  }
  const known = new Set(byProperty.keys());

  return (plain) => {
    for (const key in plain) if (!known.has(key) || !Object.prototype.hasOwnProperty.call(plain, key)) return false;
    for (const rule of rules) {
      const value = plain[rule.name];
      if (rule.optional && (value === null || value === undefined)) continue;
      for (const check of rule.checks) if (!check(value, plain)) return false;
      if (rule.nested ? value !== undefined && !nestedValid(rule.nested(), value) : !copiedAsIs(value)) return false;
    }
    return true;
  };
}

function compileProperty(dto: Function, name: string, list: ValidationMetadata[]): PropertyRule | null {
  if (transformerMetadata.findTransformMetadatas(dto, name, 1 /* PLAIN_TO_CLASS */).length) return null;
  if (transformerMetadata.findExposeMetadata(dto, name) || transformerMetadata.findExcludeMetadata(dto, name)) return null;
  const rule: PropertyRule = { name, optional: false, checks: [] };
  for (const metadata of list) {
    if (metadata.groups?.length || metadata.always !== undefined || (metadata as { validateIf?: unknown }).validateIf) return null;
    if (metadata.type === ValidationTypes.CONDITIONAL_VALIDATION && metadata.name === IS_OPTIONAL) {
      rule.optional = true;
    } else if (metadata.type === ValidationTypes.NESTED_VALIDATION) {
      const type = transformerMetadata.findTypeMetadata(dto, name);
      if (!type || type.options?.discriminator) return null;
      const target = (metadata.target as Function).name;
      let nested: Validity | null | undefined;
      rule.nested = () => (nested === undefined ? (nested = compileNested(type.typeFunction() as Function, target)) : nested);
    } else if (metadata.type === ValidationTypes.CUSTOM_VALIDATION && metadata.name && PURE_CHECKS.has(metadata.name)) {
      const check = compileCheck(dto, name, metadata);
      if (!check) return null;
      rule.checks.push(check);
    } else {
      return null;
    }
  }
  // A class-transformer type on a property that is not nested converts its value first.
  if (!rule.nested && transformerMetadata.findTypeMetadata(dto, name)) return null;
  return rule;
}

/** Nested classes are looked up with their parent's name as the schema, as ValidationExecutor does. */
function compileNested(dto: Function, parentName: string): Validity | null {
  const bySchema = compiledNested.get(dto) ?? new Map<string, Validity | null>();
  compiledNested.set(dto, bySchema);
  if (!bySchema.has(parentName)) {
    bySchema.set(parentName, null);
    bySchema.set(parentName, compile(dto, parentName));
  }
  return bySchema.get(parentName)!;
}

function compileCheck(dto: Function, name: string, metadata: ValidationMetadata): Check | null {
  const constraints = getMetadataStorage().getTargetValidatorConstraints(metadata.constraintCls);
  if (constraints.length !== 1 || constraints[0].async) return null;
  const instance = constraints[0].instance as { validate(value: unknown, args: ValidationArguments): unknown };
  const args = (value: unknown, object: object): ValidationArguments => ({
    targetName: dto.name,
    property: name,
    object,
    value,
    constraints: metadata.constraints,
  });
  const one = (value: unknown, object: object): boolean => instance.validate(value, args(value, object)) === true;
  if (!metadata.each) return one;
  return (value, object) => (Array.isArray(value) ? value.every((item) => one(item, object)) : one(value, object));
}

/** @ValidateNested: an object is validated as the class; an array item by item (class-transformer maps each). */
function nestedValid(validity: Validity | null, value: unknown): boolean {
  if (validity === null) return false;
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) {
    if (!isPlainObject(item) || !validity(item)) return false;
  }
  return true;
}

/**
 * Whether class-transformer copies this JSON value without surprises: a
 * `constructor` key at any depth makes it throw (the full run then fails as
 * it always has), and `__proto__` is never taken on trust.
 */
function copiedAsIs(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(copiedAsIs);
  for (const key in value) {
    if (key === 'constructor' || key === '__proto__' || !copiedAsIs((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}
