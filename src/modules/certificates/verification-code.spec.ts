import { checkCharacter, CROCKFORD, generateVerificationCode, normaliseVerificationCode } from './verification-code';

const symbolsOf = (code: string) => code.replace(/-/g, '');

describe('verification codes', () => {
  it('are 15 Crockford symbols in three groups, and validate', () => {
    for (let i = 0; i < 1000; i++) {
      const code = generateVerificationCode();
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
      expect(normaliseVerificationCode(code)).toBe(code);
    }
  });

  it('never repeats in 100,000 draws', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(generateVerificationCode());
    expect(seen.size).toBe(100_000);
  });

  it('uses 70 random bits: every symbol position takes every value', () => {
    const perPosition = Array.from({ length: 14 }, () => new Set<string>());
    for (let i = 0; i < 5000; i++)
      [...symbolsOf(generateVerificationCode()).slice(0, 14)].forEach((ch, p) => perPosition[p].add(ch));
    expect(perPosition.map((s) => s.size)).toEqual(Array(14).fill(32));
  });

  it('is built from the random source it is given (all zero bits give all zero symbols)', () => {
    const zero = generateVerificationCode((n) => Buffer.alloc(n));
    expect(zero).toBe(`00000-00000-0000${checkCharacter('00000000000000')}`);
    const ones = generateVerificationCode((n) => Buffer.alloc(n, 0xff));
    expect(symbolsOf(ones).slice(0, 14)).toBe('Z'.repeat(14));
  });

  it('catches every single-character typo, in every position, on 200 sample codes', () => {
    let tried = 0;
    for (let i = 0; i < 200; i++) {
      const symbols = symbolsOf(generateVerificationCode());
      for (let p = 0; p < symbols.length; p++) {
        for (const wrong of CROCKFORD) {
          if (wrong === symbols[p]) continue;
          const typo = symbols.slice(0, p) + wrong + symbols.slice(p + 1);
          expect(normaliseVerificationCode(typo)).toBeNull();
          tried++;
        }
      }
    }
    expect(tried).toBe(200 * 15 * 31);
  });

  it('catches every swap of two different neighbouring characters, the check character included', () => {
    let tried = 0;
    for (let i = 0; i < 2000; i++) {
      const symbols = symbolsOf(generateVerificationCode());
      for (let p = 0; p + 1 < symbols.length; p++) {
        if (symbols[p] === symbols[p + 1]) continue;
        const swapped = symbols.slice(0, p) + symbols[p + 1] + symbols[p] + symbols.slice(p + 2);
        expect(normaliseVerificationCode(swapped)).toBeNull();
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(2000 * 13);
  });

  it('catches every adjacent transposition of every pair of symbols, exhaustively', () => {
    for (const a of CROCKFORD) {
      for (const b of CROCKFORD) {
        if (a === b) continue;
        const data = `${a}${b}ABCDEFGHJKMN`;
        const code = data + checkCharacter(data);
        expect(normaliseVerificationCode(code)).not.toBeNull();
        expect(normaliseVerificationCode(`${b}${a}${code.slice(2)}`)).toBeNull();
      }
    }
  });

  it('reads what people type: any case, spaces or no dashes, O for 0 and I or L for 1', () => {
    const data = '01ABCDEFGH1J0K';
    const code = data + checkCharacter(data);
    const canonical = `${code.slice(0, 5)}-${code.slice(5, 10)}-${code.slice(10)}`;
    expect(normaliseVerificationCode(code.toLowerCase())).toBe(canonical);
    expect(normaliseVerificationCode(` ${canonical.replace(/-/g, ' ')} `)).toBe(canonical);
    expect(normaliseVerificationCode(code.replace(/0/g, 'o').replace(/1/g, 'l'))).toBe(canonical);
    expect(normaliseVerificationCode(code.replace(/1/g, 'I'))).toBe(canonical);
    expect(normaliseVerificationCode('')).toBeNull();
    expect(normaliseVerificationCode('hello')).toBeNull();
    expect(normaliseVerificationCode(code + 'A')).toBeNull();
    expect(normaliseVerificationCode(code.replace(code[3], 'U'))).toBeNull();
  });

  it('draws from crypto randomness: no two of 1,000 codes share their first ten symbols', () => {
    const prefixes = new Set(Array.from({ length: 1000 }, () => symbolsOf(generateVerificationCode()).slice(0, 10)));
    expect(prefixes.size).toBe(1000);
  });
});
