// `npm run sso:dev-provider`: the OpenID provider the tests use (test/helpers/oidc-provider.mjs), on port 4000, with the
// demo program's people as accounts, for trying single sign-on locally. Its login page takes any password.
import console from 'node:console';
import process from 'node:process';

const base = process.env.PUBLIC_BASE_URL || `http://localhost:${process.env.PORT || 3000}`;
const accounts = {
  jolene: { email: 'jolene.ashby@example.org', email_verified: true, name: 'Jolene Ashby' },
  corey: { email: 'corey.whitehorse@example.org', email_verified: true, name: 'Corey Whitehorse' },
  ellen: { email: 'ellen.brightwater@example.org', email_verified: true, name: 'Ellen Brightwater' },
  renee: { email: 'renee.twofeathers@example.org', email_verified: true, name: 'Renee Twofeathers' },
  stranger: { email: 'stranger@example.org', email_verified: true, name: 'Not in the program' },
};
const client = { client_id: 'lms-dev', client_secret: 'a development client secret' };
process.argv[2] = JSON.stringify({
  port: 4000,
  accounts,
  clients: [
    {
      ...client,
      redirect_uris: [`${base}/login/oidc/callback`],
      post_logout_redirect_uris: [`${base}/login?notice=signed-out`],
    },
  ],
});
await import('../test/helpers/oidc-provider.mjs');
console.log(`
Test identity provider at http://127.0.0.1:4000 for an app at ${base}. Start the app with:

  OIDC_ISSUER=http://127.0.0.1:4000 OIDC_CLIENT_ID=${client.client_id} OIDC_CLIENT_SECRET='${client.client_secret}' \\
  OIDC_LABEL='Sign in with Test ID' npm start

Sign in there as ${Object.keys(accounts).join(', ')} (any password). Ctrl-C stops it.`);
