import { describeValidity, expiryFor, isValidFixedDate } from './credential-validity';

const base = { validityMonths: null, fixedExpiryMonth: null, fixedExpiryDay: null };

describe('expiryFor', () => {
  it('gives no expiry for a credential that does not expire', () => {
    expect(expiryFor({ ...base, validityKind: 'none' }, '2026-03-10')).toBeNull();
  });

  it('adds months from the issue date, clamping to the end of a shorter month', () => {
    expect(expiryFor({ ...base, validityKind: 'months', validityMonths: 24 }, '2026-03-10')).toBe('2028-03-10');
    expect(expiryFor({ ...base, validityKind: 'months', validityMonths: 1 }, '2026-01-31')).toBe('2026-02-28');
    expect(expiryFor({ ...base, validityKind: 'months', validityMonths: 36 }, '2024-02-29')).toBe('2027-02-28');
  });

  it('uses the next fixed yearly date after issue (MT-CBHPSS expires Dec 31)', () => {
    const cbhpss = { ...base, validityKind: 'fixed_date' as const, fixedExpiryMonth: 12, fixedExpiryDay: 31 };
    expect(expiryFor(cbhpss, '2026-03-10')).toBe('2026-12-31');
    expect(expiryFor(cbhpss, '2026-12-30')).toBe('2026-12-31');
    expect(expiryFor(cbhpss, '2026-12-31')).toBe('2027-12-31');
    expect(expiryFor({ ...cbhpss, fixedExpiryMonth: 6, fixedExpiryDay: 30 }, '2026-07-01')).toBe('2027-06-30');
  });
});

describe('expiryFor, the first period of a fixed-date type', () => {
  const cbhpss = {
    ...base,
    validityKind: 'fixed_date' as const,
    fixedExpiryMonth: 12,
    fixedExpiryDay: 31,
    fixedDateLeadDays: 90,
  };

  it('runs to the following fixed date when issued within the lead days before it', () => {
    // 2025-10-02 is 90 days before Dec 31, 2025; 2025-10-01 is 91, 2025-10-03 is 89.
    expect(expiryFor(cbhpss, '2025-10-01')).toBe('2025-12-31');
    expect(expiryFor(cbhpss, '2025-10-02')).toBe('2026-12-31');
    expect(expiryFor(cbhpss, '2025-10-03')).toBe('2026-12-31');
    expect(expiryFor(cbhpss, '2025-12-20')).toBe('2026-12-31');
  });

  it('keeps the first fixed date after issue with 0 lead days', () => {
    expect(expiryFor({ ...cbhpss, fixedDateLeadDays: 0 }, '2025-12-20')).toBe('2025-12-31');
  });

  it('says so in the catalogue, and when it is not yet confirmed with the issuer', () => {
    const described = describeValidity({
      ...cbhpss,
      graceDays: 0,
      terminatesAfterDays: null,
      fixedDateLeadVerified: false,
      issuer: 'Montana Board of Behavioral Health',
    });
    expect(described).toBe(
      'Expires every Dec 31; issued within 90 days before Dec 31, it first expires on the next one (unverified: check with Montana Board of Behavioral Health)',
    );
  });
});

describe('describeValidity', () => {
  it('says how long the credential lasts, its grace and termination', () => {
    expect(
      describeValidity({
        ...base,
        validityKind: 'fixed_date',
        fixedExpiryMonth: 12,
        fixedExpiryDay: 31,
        graceDays: 45,
        terminatesAfterDays: 730,
      }),
    ).toBe('Expires every Dec 31; 45-day grace period; terminated 730 days after expiry');
    expect(
      describeValidity({
        ...base,
        validityKind: 'months',
        validityMonths: 36,
        graceDays: 0,
        terminatesAfterDays: null,
      }),
    ).toBe('36 months from issue');
    expect(describeValidity({ ...base, validityKind: 'none', graceDays: 0, terminatesAfterDays: null })).toBe(
      'Does not expire',
    );
  });

  it('says the terms are not yet published rather than "does not expire" for a type whose issuer has published none', () => {
    const licence = {
      ...base,
      validityKind: 'none' as const,
      graceDays: 0,
      terminatesAfterDays: null,
      termsPublished: false,
    };
    expect(describeValidity(licence)).toBe('Terms not yet published (no expiry set until they are)');
    expect(describeValidity({ ...licence, validityKind: 'months', validityMonths: 12 })).toBe(
      'Terms not yet published; meanwhile 12 months from issue',
    );
  });
});

describe('isValidFixedDate', () => {
  it('accepts dates that exist every year and refuses the rest', () => {
    expect(isValidFixedDate(12, 31)).toBe(true);
    expect(isValidFixedDate(2, 28)).toBe(true);
    expect(isValidFixedDate(2, 29)).toBe(false);
    expect(isValidFixedDate(4, 31)).toBe(false);
    expect(isValidFixedDate(13, 1)).toBe(false);
    expect(isValidFixedDate(0, 1)).toBe(false);
  });
});
