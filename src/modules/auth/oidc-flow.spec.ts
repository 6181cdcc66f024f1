import { OIDC_FLOW_MS, openFlow, sealFlow, type OidcFlow } from './oidc-flow';

const SECRET = 'a session secret of at least thirty-two characters';
const flow = (startedAt = Date.now()): OidcFlow => ({
  codeVerifier: 'v'.repeat(43),
  state: 'the state',
  nonce: 'the nonce',
  next: '/account',
  startedAt,
});

describe('the sealed OIDC flow cookie', () => {
  it('opens to exactly what was sealed, and hides it from the browser', () => {
    const f = flow();
    const sealed = sealFlow(SECRET, f);
    expect(openFlow(SECRET, sealed)).toEqual(f);
    const bytes = Buffer.from(sealed, 'base64url').toString('latin1');
    expect(bytes).not.toContain('the state');
    expect(bytes).not.toContain('vvvv');
  });

  it('does not open when altered, sealed with another secret, missing or not a string', () => {
    const sealed = sealFlow(SECRET, flow());
    const raw = Buffer.from(sealed, 'base64url');
    raw[raw.length - 1] ^= 1;
    expect(openFlow(SECRET, raw.toString('base64url'))).toBeNull();
    expect(openFlow(`${SECRET} but another`, sealed)).toBeNull();
    expect(openFlow(SECRET, undefined)).toBeNull();
    expect(openFlow(SECRET, ['a'])).toBeNull();
    expect(openFlow(SECRET, 'not base64 at all %%%')).toBeNull();
  });

  it('expires ten minutes after the sign-in started', () => {
    const started = Date.UTC(2026, 11, 7, 12, 0, 0);
    const sealed = sealFlow(SECRET, flow(started));
    expect(openFlow(SECRET, sealed, started + OIDC_FLOW_MS)).not.toBeNull();
    expect(openFlow(SECRET, sealed, started + OIDC_FLOW_MS + 1)).toBeNull();
    expect(openFlow(SECRET, sealed, started - 1)).toBeNull();
  });
});
