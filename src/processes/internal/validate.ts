/**
 * Argument checks shared by the process generators. Each throws a RangeError that names the
 * function, the argument and the offending value.
 *
 * @module
 */

/** Throw unless `value` is an integer >= 0 (and a safe integer). */
export function assertNonnegativeInteger(where: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${where}: ${name} must be a nonnegative integer, got ${String(value)}`);
  }
}

/** Throw unless `value` is a finite number. */
export function assertFinite(where: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${where}: ${name} must be a finite number, got ${String(value)}`);
  }
}

/** Throw unless `value` is a finite number >= 0. */
export function assertNonnegativeFinite(where: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${where}: ${name} must be a finite number >= 0, got ${String(value)}`);
  }
}

/** Throw unless `value` is an integer (any sign). */
export function assertInteger(where: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new RangeError(`${where}: ${name} must be an integer, got ${String(value)}`);
  }
}
