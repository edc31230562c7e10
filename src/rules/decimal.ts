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

/**
 * a + b when the result holds it exactly, else null: a sum kept by adjustment must equal the sum
 * `alsx check` computes from scratch, so a result a number cannot hold (1e20 + 21) is refused, never
 * stored rounded. Integers must stay safe integers; decimals must survive the round trip through a
 * double (the stored number's shortest decimal form is the exact sum).
 */
export function addChecked(a: number, b: number, scale: number | null = null): number | null {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return null;
  if (Number.isInteger(a) && Number.isInteger(b)) {
    const sum = a + b;
    return Number.isSafeInteger(sum) && Number.isSafeInteger(a) && Number.isSafeInteger(b) ? sum : null;
  }
  if (scale !== null && scale <= 8) {
    const f = 10 ** scale;
    const sa = Math.round(a * f);
    const sb = Math.round(b * f);
    // only when both were already at scale (else the slow path decides)
    if (sa / f === a && sb / f === b && Math.abs(sa) < SAFE && Math.abs(sb) < SAFE) {
      const sum = sa + sb;
      if (Math.abs(sum) < SAFE) return sum / f;
    }
  }
  const exact = new Big(a).plus(b);
  const n = exact.toNumber();
  return Number.isFinite(n) && new Big(n).eq(exact) ? n : null;
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
