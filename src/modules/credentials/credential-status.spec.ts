import { credentialStanding } from './credential-status';

const cbhpss = { graceDays: 45, terminatesAfterDays: 730 };
const cpr = { graceDays: 0, terminatesAfterDays: null };

describe('credentialStanding', () => {
  it('is current without an expiry date', () => {
    expect(credentialStanding({ expiresOn: null }, cpr, '2026-11-28').standing).toBe('current');
  });

  it('is current until 90 days out, then expiring, through the expiry date itself', () => {
    expect(credentialStanding({ expiresOn: '2027-06-30' }, cpr, '2026-11-28')).toMatchObject({
      standing: 'current',
      daysToExpiry: 214,
    });
    expect(credentialStanding({ expiresOn: '2026-12-31' }, cpr, '2026-11-28')).toMatchObject({
      standing: 'expiring',
      daysToExpiry: 33,
    });
    expect(credentialStanding({ expiresOn: '2026-12-31' }, cpr, '2026-12-31')).toMatchObject({
      standing: 'expiring',
      label: 'Expires today',
    });
  });

  it('is in grace for the grace days after expiry, then expired, then terminated', () => {
    expect(credentialStanding({ expiresOn: '2025-12-31' }, cbhpss, '2026-01-01').standing).toBe('grace');
    expect(credentialStanding({ expiresOn: '2025-12-31' }, cbhpss, '2026-02-14').standing).toBe('grace');
    expect(credentialStanding({ expiresOn: '2025-12-31' }, cbhpss, '2026-02-15').standing).toBe('expired');
    expect(credentialStanding({ expiresOn: '2025-12-31' }, cbhpss, '2027-12-31').standing).toBe('expired');
    expect(credentialStanding({ expiresOn: '2025-12-31' }, cbhpss, '2028-01-01').standing).toBe('terminated');
  });

  it('goes straight from current to expired when the type has no grace period', () => {
    expect(credentialStanding({ expiresOn: '2026-11-27' }, cpr, '2026-11-28')).toMatchObject({
      standing: 'expired',
      daysToExpiry: -1,
    });
  });
});
