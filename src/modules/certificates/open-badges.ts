import { createHash, randomBytes } from 'node:crypto';
import { addDays, startOfDayInZone, type IsoDate } from '../../common/dates';

/** W3C Verifiable Credentials 2.0 and the Open Badges 3.0 context. */
export const VC_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
/** The official AchievementCredential JSON Schema (its `$id`), named in every credential's credentialSchema. */
export const OB_SCHEMA_ID =
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json-ld/ob_v3p0_achievementcredential_schema.json';

export type AchievementType = 'CertificateOfCompletion' | 'Certification' | 'License' | 'Achievement';

export interface BadgeInput {
  baseUrl: string;
  orgName: string;
  timeZone: string;
  certificateId: string;
  personId: string;
  recipientName: string;
  /** Hashed with a salt into the recipient's identifier, so a wallet holding the address can match it. */
  recipientEmail: string;
  image: BadgeImage;
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
export const STATUS_PURPOSES = ['revocation', 'suspension'] as const;
export type StatusPurpose = (typeof STATUS_PURPOSES)[number];
export const statusListUrl = (baseUrl: string, purpose: StatusPurpose = 'revocation') =>
  `${baseUrl}/status-lists/${purpose}`;

export interface BadgeImage {
  id: string;
  caption: string;
}

/**
 * The achievement's image: the organisation's logo (the one printed on certificates) as a data URI,
 * so the credential carries it and it never changes under an issued badge; without a logo, the
 * program's own icon at its absolute address.
 */
export function badgeImage(baseUrl: string, orgName: string, logo: Buffer | null): BadgeImage {
  if (!logo) return { id: `${baseUrl}/assets/favicon.svg`, caption: orgName };
  const type = logo[0] === 0x89 ? 'image/png' : 'image/jpeg';
  return { id: `data:${type};base64,${logo.toString('base64')}`, caption: `${orgName} logo` };
}

/**
 * Open Badges 3.0 IdentityObject for an e-mail address: "sha256$" and the hex SHA-256 of the address
 * (trimmed, lower case) followed by the salt. The salt is fresh for each credential, so the same
 * address does not hash alike across badges.
 */
export function hashedEmail(email: string, salt = randomBytes(16).toString('hex')) {
  const hash = createHash('sha256')
    .update(email.trim().toLowerCase() + salt, 'utf8')
    .digest('hex');
  return { type: 'IdentityObject', identityHash: `sha256$${hash}`, identityType: 'emailAddress', hashed: true, salt };
}

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
      identifier: [
        { type: 'IdentityObject', identityHash: b.recipientName, identityType: 'name', hashed: false },
        hashedEmail(b.recipientEmail),
      ],
      achievement: {
        id: `urn:uuid:${b.credentialTypeId}`,
        type: ['Achievement'],
        achievementType: b.achievementType,
        name: b.credentialName,
        humanCode: b.credentialCode,
        description: b.description ?? b.credentialName,
        criteria: { narrative: b.criteria },
        image: { id: b.image.id, type: 'Image', caption: b.image.caption },
        ...(b.hours !== null ? { creditsAvailable: b.hours } : {}),
      },
      ...(b.hours !== null ? { creditsEarned: b.hours } : {}),
      ...(b.licenceNumber ? { licenseNumber: b.licenceNumber } : {}),
    },
    credentialSchema: [{ id: OB_SCHEMA_ID, type: '1EdTechJsonSchemaValidator2019' }],
    // OB 3.0 allows one credentialStatus (its schema says an object): revocation. The suspension list
    // uses the same index at statusListUrl(base, 'suspension'), for verifiers told of it.
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
