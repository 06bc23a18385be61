import { ValidateIf, type ValidationOptions } from 'class-validator';

/**
 * An optional request field: leaving it out skips its validators, sending `null` does not. class-validator's
 * `@IsOptional()` lets `null` through every validator, and services that test `!== undefined` then stored
 * or dereferenced it (a `null` title saved, a `null` region read as a string: 500s). Use `@IsOptional()` only
 * where the API documents the field as nullable.
 */
export function IsOmittable(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined, validationOptions);
}
