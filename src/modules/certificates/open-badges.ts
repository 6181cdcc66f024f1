import { gunzipSync, gzipSync } from 'node:zlib';
import { addDays, startOfDayInZone, type IsoDate } from '../../common/dates';

/** W3C Verifiable Credentials 2.0 and the Open Badges 3.0 context. */
export const VC_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
/** The Bitstring Status List spec's minimum length (16 KB), so one list cannot tell who was revoked by its size. */
export const STATUS_LIST_BITS = 131_072;

export type AchievementType = 'CertificateOfCompletion' | 'Certification' | 'License' | 'Achievement';

export interface BadgeInput {
  baseUrl: string;
  orgName: string;
  timeZone: string;
  certificateId: string;
  personId: string;
  recipientName: string;
  credentialTypeId: string;
  credentialName: string;
  credentialCode: string;
  description: string | null;
  criteria: string;
  achievementType: AchievementType;
  issuedOn: IsoDate;
  expiresOn: IsoDate | null;
  hours: number | null;
  licenceNumber: string | null;
  statusIndex: number;
}

export const issuerId = (baseUrl: string) => `${baseUrl}/issuer`;
export const statusListUrl = (baseUrl: string) => `${baseUrl}/status-lists/revocation`;

/** The issuer Profile, as it appears in every credential and at its own public address. */
export function issuerProfile(baseUrl: string, orgName: string) {
  return { id: issuerId(baseUrl), type: ['Profile'], name: orgName, url: baseUrl };
}

/**
 * The OpenBadgeCredential for one certificate, with its JWT claims: the payload IS the credential
 * (no "vc" wrapper), plus iss, jti, sub, nbf (validFrom) and exp (validUntil) as VC-JWT asks.
 * Calendar dates start and end at midnight in the program's time zone.
 */
export function openBadgeCredential(b: BadgeInput): Record<string, unknown> {
  const validFrom = startOfDayInZone(b.issuedOn, b.timeZone);
  // "Expires Dec 31" means valid through the whole of Dec 31.
  const validUntil = b.expiresOn ? startOfDayInZone(addDays(b.expiresOn, 1), b.timeZone) : null;
  const subjectId = `urn:uuid:${b.personId}`;
  const credential: Record<string, unknown> = {
    '@context': [VC_CONTEXT, OB_CONTEXT],
    id: `urn:uuid:${b.certificateId}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: b.credentialName,
    issuer: issuerProfile(b.baseUrl, b.orgName),
    validFrom: validFrom.toISOString(),
    ...(validUntil ? { validUntil: validUntil.toISOString() } : {}),
    credentialSubject: {
      id: subjectId,
      type: ['AchievementSubject'],
      identifier: [{ type: 'IdentityObject', identityHash: b.recipientName, identityType: 'name', hashed: false }],
      achievement: {
        id: `urn:uuid:${b.credentialTypeId}`,
        type: ['Achievement'],
        achievementType: b.achievementType,
        name: b.credentialName,
        humanCode: b.credentialCode,
        description: b.description ?? b.credentialName,
        criteria: { narrative: b.criteria },
        ...(b.hours !== null ? { creditsAvailable: b.hours } : {}),
      },
      ...(b.hours !== null ? { creditsEarned: b.hours } : {}),
      ...(b.licenceNumber ? { licenseNumber: b.licenceNumber } : {}),
    },
    credentialStatus: {
      id: `${statusListUrl(b.baseUrl)}#${b.statusIndex}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(b.statusIndex),
      statusListCredential: statusListUrl(b.baseUrl),
    },
  };
  return {
    ...credential,
    iss: issuerId(b.baseUrl),
    jti: credential.id,
    sub: subjectId,
    nbf: Math.floor(validFrom.getTime() / 1000),
    ...(validUntil ? { exp: Math.floor(validUntil.getTime() / 1000) } : {}),
  };
}

/** The list's bits, first index in the most significant bit of the first byte, gzipped, as multibase base64url ("u…"). */
export function encodeStatusList(revokedIndexes: number[]): string {
  const highest = revokedIndexes.reduce((m, i) => Math.max(m, i), -1);
  const bits = Math.max(STATUS_LIST_BITS, Math.ceil((highest + 1) / STATUS_LIST_BITS) * STATUS_LIST_BITS);
  const bytes = Buffer.alloc(bits / 8);
  for (const i of revokedIndexes) bytes[i >> 3] |= 0x80 >> (i & 7);
  return `u${gzipSync(bytes).toString('base64url')}`;
}

/** Reads one bit back, as a verifier would. */
export function statusBit(encodedList: string, index: number): boolean {
  if (!encodedList.startsWith('u')) throw new Error('Not a multibase base64url list');
  const bytes = gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'));
  return (bytes[index >> 3] & (0x80 >> (index & 7))) !== 0;
}

/** The BitstringStatusListCredential, as a VC-JWT payload. */
export function statusListCredential(
  baseUrl: string,
  orgName: string,
  revokedIndexes: number[],
  now: Date,
): Record<string, unknown> {
  const id = statusListUrl(baseUrl);
  return {
    '@context': [VC_CONTEXT],
    id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: issuerProfile(baseUrl, orgName),
    validFrom: now.toISOString(),
    credentialSubject: {
      id: `${id}#list`,
      type: 'BitstringStatusList',
      statusPurpose: 'revocation',
      encodedList: encodeStatusList(revokedIndexes),
    },
    iss: issuerId(baseUrl),
    jti: id,
    sub: `${id}#list`,
    nbf: Math.floor(now.getTime() / 1000),
    iat: Math.floor(now.getTime() / 1000),
  };
}
