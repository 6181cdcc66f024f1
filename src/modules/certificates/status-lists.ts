import { gunzipSync, gzipSync } from 'node:zlib';
import { issuerId, issuerProfile, statusListUrl, VC_CONTEXT, type StatusPurpose } from './open-badges';

/** The Bitstring Status List spec's minimum length (16 KB), so one list cannot tell who was revoked by its size. */
export const STATUS_LIST_BITS = 131_072;

/** The list's bits, first index in the most significant bit of the first byte, gzipped, as multibase base64url ("u…"). */
export function encodeStatusList(setIndexes: number[]): string {
  const highest = setIndexes.reduce((m, i) => Math.max(m, i), -1);
  const bits = Math.max(STATUS_LIST_BITS, Math.ceil((highest + 1) / STATUS_LIST_BITS) * STATUS_LIST_BITS);
  const bytes = Buffer.alloc(bits / 8);
  for (const i of setIndexes) bytes[i >> 3] |= 0x80 >> (i & 7);
  return `u${gzipSync(bytes).toString('base64url')}`;
}

/** Reads one bit back, as a verifier would. */
export function statusBit(encodedList: string, index: number): boolean {
  if (!encodedList.startsWith('u')) throw new Error('Not a multibase base64url list');
  const bytes = gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'));
  return (bytes[index >> 3] & (0x80 >> (index & 7))) !== 0;
}

/** The BitstringStatusListCredential of one purpose, as a VC-JWT payload. */
export function statusListCredential(
  baseUrl: string,
  orgName: string,
  purpose: StatusPurpose,
  setIndexes: number[],
  now: Date,
): Record<string, unknown> {
  const id = statusListUrl(baseUrl, purpose);
  return {
    '@context': [VC_CONTEXT],
    id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: issuerProfile(baseUrl, orgName),
    validFrom: now.toISOString(),
    credentialSubject: {
      id: `${id}#list`,
      type: 'BitstringStatusList',
      statusPurpose: purpose,
      encodedList: encodeStatusList(setIndexes),
    },
    iss: issuerId(baseUrl),
    jti: id,
    sub: `${id}#list`,
    nbf: Math.floor(now.getTime() / 1000),
    iat: Math.floor(now.getTime() / 1000),
  };
}
