/**
 * Exact money. DECIMAL(p, s) values are kept as numbers rounded to their scale, and every
 * adjustment and rounding is exact in decimal, so thousands of adjustments never drift and
 * `Balance <= CreditLimit` compares exact values.
 *
 * The fast path works in scaled integers: a value already rounded to scale s is within far less
 * than half a unit of an integer once multiplied by 10^s, so Math.round recovers it exactly (for
 * magnitudes below 2^53 / 10^s), and the integer sum divided back is the nearest double to the exact
 * decimal — the same number the slow path (big.js) gives. Anything else takes the slow path.
 */
import Big from 'big.js';

const SAFE = Number.MAX_SAFE_INTEGER;

/** a + b, exactly, for values at `scale` digits (or in decimal when the scale is unknown) */
export function addExact(a: number, b: number, scale: number | null = null): number {
  if (Number.isInteger(a) && Number.isInteger(b)) return a + b;
  if (scale !== null && scale <= 8) {
    const f = 10 ** scale;
    const sum = Math.round(a * f) + Math.round(b * f);
    if (Math.abs(sum) < SAFE) return sum / f;
  }
  return new Big(a).plus(b).toNumber();
}

/** b − a, exactly */
export function subtractExact(b: number, a: number, scale: number | null = null): number {
  return addExact(b, -a, scale);
}

/** rounds half away from zero at `scale` digits, as a person would (1.005 → 1.01) */
export function roundToScale(value: number, scale: number): number {
  if (Number.isInteger(value)) return value;
  if (scale <= 8) {
    const scaled = value * 10 ** scale;
    const frac = Math.abs(scaled - Math.trunc(scaled));
    // far from a half: the nearest integer is unambiguous; near a half, decide in decimal
    if (Math.abs(frac - 0.5) > 1e-7 && Math.abs(scaled) < SAFE) return Math.round(scaled) / 10 ** scale;
  }
  return new Big(value).round(scale, Big.roundHalfUp).toNumber();
}
