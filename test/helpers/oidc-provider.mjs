// A real OpenID provider (oidc-provider, the certified one) for the tests and for trying single sign-on locally.
// Plain ES module run as a child process with Node: Jest cannot load oidc-provider itself on Node 20.
//
//   node test/helpers/oidc-provider.mjs '{"clients":[...],"accounts":{...},"port":0}'
//
// It prints one JSON line, {"issuer":"http://127.0.0.1:<port>"}, once it listens. Accounts are keyed by the login
// typed on its sign-in page (any password does). POST /__test/control (JSON) changes it while it runs:
//   {"accounts": {...}}          replaces the accounts (say, a changed e-mail)
//   {"idTokenClaims": {...}}     the next ID token carries these claims instead (a wrong nonce, another issuer),
//                                re-signed with the provider's own key, so only the claim checks can catch it
//   {"codeTtl": 1}               authorization codes expire after this many seconds (default 60)
import { createServer } from 'node:http';
import process from 'node:process';
import { decodeJwt, exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import { Provider } from 'oidc-provider';

const options = JSON.parse(process.argv[2] ?? '{}');
let accounts = options.accounts ?? {};
let idTokenClaims = null;
let codeTtl = 60;

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'test-signing-key', alg: 'RS256', use: 'sig' };
const signingKey = await importJWK(jwk, 'RS256');

const server = createServer();
await new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: options.clients ?? [],
  jwks: { keys: [jwk] },
  cookies: { keys: ['test-provider-cookie-key'] },
  // The e-mail claims in the ID token too, as Google and Okta send them (oidc-provider otherwise keeps only sub).
  conformIdTokenClaims: false,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups', 'roles'] },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  ttl: { AuthorizationCode: () => codeTtl },
  async findAccount(ctx, sub) {
    const account = accounts[sub];
    if (!account) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...account }) };
  },
  // First-party test clients: consent is granted without a second page.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['email', 'email_verified', 'name']);
    await grant.save();
    return grant;
  },
});

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/token' && idTokenClaims && ctx.status === 200 && ctx.body?.id_token) {
    const claims = { ...decodeJwt(ctx.body.id_token), ...idTokenClaims };
    idTokenClaims = null;
    ctx.body = {
      ...ctx.body,
      id_token: await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: jwk.kid }).sign(signingKey),
    };
  }
});

const handle = provider.callback();
server.on('request', (req, res) => {
  if (req.method === 'POST' && req.url === '/__test/control') {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const change = JSON.parse(body || '{}');
      if (change.accounts) accounts = change.accounts;
      if ('idTokenClaims' in change) idTokenClaims = change.idTokenClaims;
      if (change.codeTtl) codeTtl = change.codeTtl;
      res.writeHead(204).end();
    });
    return;
  }
  handle(req, res);
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
