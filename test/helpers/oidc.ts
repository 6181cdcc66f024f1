import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** An account at the test provider, keyed by the login typed on its sign-in page. */
export interface ProviderAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
  roles?: string[];
}

export interface TestProvider {
  issuer: string;
  /** Changes the running provider: accounts, the next ID token's claims, the code lifetime (see the .mjs). */
  control(change: {
    accounts?: Record<string, ProviderAccount>;
    idTokenClaims?: object | null;
    codeTtl?: number;
  }): Promise<void>;
  /** The environment that points the app at this provider. */
  env(extra?: Record<string, string>): Record<string, string>;
  stop(): Promise<void>;
}

export const TEST_CLIENT = { id: 'lms-test', secret: 'a test client secret' };

/** Starts test/helpers/oidc-provider.mjs (oidc-provider, ES module) as a child process on a random port. */
export async function startTestProvider(options: {
  baseUrls: string[];
  accounts: Record<string, ProviderAccount>;
}): Promise<TestProvider> {
  const config = {
    clients: [
      {
        client_id: TEST_CLIENT.id,
        client_secret: TEST_CLIENT.secret,
        redirect_uris: options.baseUrls.map((b) => `${b}/login/oidc/callback`),
        post_logout_redirect_uris: options.baseUrls.map((b) => `${b}/login?notice=signed-out`),
      },
    ],
    accounts: options.accounts,
  };
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'oidc-provider.mjs'), JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const issuer = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the test OpenID provider did not start in 15 s')), 15_000);
    child.once('exit', (code) => reject(new Error(`the test OpenID provider exited (${code})`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { issuer: string }).issuer);
    });
  });
  return {
    issuer,
    control: async (change) => {
      const res = await fetch(`${issuer}/__test/control`, { method: 'POST', body: JSON.stringify(change) });
      if (res.status !== 204) throw new Error(`provider control answered ${res.status}`);
    },
    env: (extra = {}) => ({
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: TEST_CLIENT.id,
      OIDC_CLIENT_SECRET: TEST_CLIENT.secret,
      OIDC_LABEL: 'Sign in with Test ID',
      ...extra,
    }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Signs in at the provider as a person would on its pages: follows its redirects with its own cookies, fills its
 * login form, and stops at the redirect back to the app (which it returns, not follows).
 */
export async function signInAtProvider(authorizationUrl: string, login: string, appBase: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const set of res.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      if (value) jar.set(name, value);
      else jar.delete(name);
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  let url = authorizationUrl;
  let body: URLSearchParams | undefined;
  for (let hop = 0; hop < 12; hop++) {
    if (url.startsWith(appBase)) return url;
    const res = await fetch(url, {
      method: body ? 'POST' : 'GET',
      body,
      redirect: 'manual',
      headers: { cookie: cookie(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    });
    keep(res);
    body = undefined;
    const location = res.headers.get('location');
    if (location) {
      url = new URL(location, url).href;
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"[^>]*method="post"/.exec(html)?.[1];
    if (!action || !html.includes('name="login"'))
      throw new Error(`the provider answered ${res.status} without its login form: ${html.slice(0, 300)}`);
    url = new URL(action, url).href;
    body = new URLSearchParams({ prompt: 'login', login, password: 'any password' });
  }
  throw new Error('too many redirects at the provider');
}
