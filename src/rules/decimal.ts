/**
 * Exact money. DECIMAL(p, s) values are kept as numbers rounded to their scale, and every
 * adjustment and rounding is done in decimal (big.js), so thousands of adjustments never drift and
 * `Balance <= CreditLimit` compares exact values.
 */
import Big from 'big.js';

/** a + b, exactly, in decimal (the shortest decimal representation of each operand) */
export function addExact(a: number, b: number): number {
  if (Number.isInteger(a) && Number.isInteger(b)) return a + b;
  return new Big(a).plus(b).toNumber();
}

/** b − a, exactly */
export function subtractExact(b: number, a: number): number {
  if (Number.isInteger(a) && Number.isInteger(b)) return b - a;
  return new Big(b).minus(a).toNumber();
}

/** rounds half away from zero at `scale` digits, as a person would (1.005 → 1.01) */
export function roundToScale(value: number, scale: number): number {
  if (Number.isInteger(value)) return value;
  return new Big(value).round(scale, Big.roundHalfUp).toNumber();
}
