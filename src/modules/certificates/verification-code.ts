import { randomBytes } from 'node:crypto';

/**
 * Verification codes: 70 bits from the system's cryptographic random source, written in Crockford
 * base32 (no I, L, O or U, so nothing reads as another symbol) with one check character, grouped
 * as XXXXX-XXXXX-XXXXX for reading aloud over the phone.
 *
 * The check character is the Damm algorithm over GF(32): x∘y = 2·x + y. That operation is a
 * totally anti-symmetric quasigroup, so every single wrong character and every swap of two
 * neighbouring characters (the check character included) is caught — Crockford's own mod-37
 * check needs five extra symbols (* ~ $ = U) that do not belong in a URL.
 */
export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DATA_CHARS = 14;
const GROUP = 5;

/** Multiplies by the field element x (2) in GF(2^5) with the primitive polynomial x^5 + x^2 + 1. */
function times2(v: number): number {
  const shifted = v << 1;
  return shifted & 0b100000 ? shifted ^ 0b100101 : shifted;
}

function damm(values: number[]): number {
  let interim = 0;
  for (const v of values) interim = times2(interim) ^ v;
  return interim;
}

function valuesOf(symbols: string): number[] | null {
  const values: number[] = [];
  for (const ch of symbols) {
    const v = CROCKFORD.indexOf(ch);
    if (v < 0) return null;
    values.push(v);
  }
  return values;
}

/** The check character that makes `dataSymbols` + it validate (the Damm interim times 2, in characteristic 2). */
export function checkCharacter(dataSymbols: string): string {
  const values = valuesOf(dataSymbols);
  if (!values) throw new Error('Not Crockford base32.');
  return CROCKFORD[times2(damm(values))];
}

function group(symbols: string): string {
  return symbols.match(new RegExp(`.{1,${GROUP}}`, 'g'))!.join('-');
}

/** A new random code, e.g. "7K2QH-XM4RB-9TCV1" (the last character is the check). */
export function generateVerificationCode(random: (n: number) => Buffer = randomBytes): string {
  const bytes = random(9); // 72 bits, of which the first 70 are used
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  bits >>= 2n;
  let data = '';
  for (let i = DATA_CHARS - 1; i >= 0; i--) data += CROCKFORD[Number((bits >> BigInt(i * 5)) & 31n)];
  return group(data + checkCharacter(data));
}

/**
 * What a person typed, as the stored canonical form, or null when it cannot be a code: case,
 * spaces and dashes do not matter, and the letters people confuse with digits (O → 0, I and L → 1)
 * are read as Crockford says. A wrong check character is null too, so a typo never matches someone else.
 */
export function normaliseVerificationCode(input: string): string | null {
  const symbols = input
    .toUpperCase()
    .replace(/[\s\-_.]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (symbols.length !== DATA_CHARS + 1) return null;
  const values = valuesOf(symbols);
  if (!values || damm(values) !== 0) return null;
  return group(symbols);
}
