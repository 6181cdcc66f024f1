import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import type request from 'supertest';

/** The official 1EdTech AchievementCredential schema, a copy kept in the repo (its $id says where it comes from). */
export const OB3_SCHEMA = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'ob3', 'ob_v3p0_achievementcredential_schema.json'), 'utf8'),
) as { $id: string };

let compiled: ReturnType<Ajv2019['compile']> | null = null;

/** The schema's errors for a credential, or [] when it is valid (Ajv's 2019-09 build, ajv-formats, strict off). */
export function schemaErrors(credential: unknown): string[] {
  if (!compiled) {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    compiled = ajv.compile(OB3_SCHEMA);
  }
  return compiled(credential)
    ? []
    : (compiled.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

export interface Verified {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  jwk: JWK;
}

/**
 * What a verifier does: read the kid from the JWT header, fetch that URL from the running app, and
 * check the signature with jose against only the JWK it answered. Throws when it does not verify.
 */
export async function verifyOverHttp(http: () => ReturnType<typeof request>, jwt: string): Promise<Verified> {
  const header = decodeProtectedHeader(jwt) as Record<string, unknown>;
  const kid = String(header.kid);
  const res = await http().get(new URL(kid).pathname);
  if (res.status !== 200) throw new Error(`The kid ${kid} answered ${res.status}`);
  const jwk = res.body as JWK;
  const { payload } = await compactVerify(jwt, await importJWK(jwk, String(header.alg)), { algorithms: ['RS256'] });
  return { header, payload: JSON.parse(Buffer.from(payload).toString('utf8')), jwk };
}
