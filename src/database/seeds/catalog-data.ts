import type { CredentialType } from '../../modules/catalog/credential-type.entity';
import type { RequirementNode } from '../../modules/catalog/requirement-node';

type CredentialTypeSeed = Pick<
  CredentialType,
  'code' | 'name' | 'issuer' | 'kind' | 'validityKind' | 'graceDays' | 'description'
> &
  Partial<
    Pick<
      CredentialType,
      | 'validityMonths'
      | 'fixedExpiryMonth'
      | 'fixedExpiryDay'
      | 'terminatesAfterDays'
      | 'renewalCeHours'
      | 'reminderDays'
      | 'termsPublished'
      | 'fixedDateLeadDays'
      | 'fixedDateLeadVerified'
    >
  >;

/**
 * The credential catalogue the program starts with (shared/DOMAIN.md). Validity facts marked
 * "program policy" are the organisation's defaults where the issuer publishes no expiry; admins
 * edit them in the catalogue, and the seed never overwrites an edit.
 */
export const CREDENTIAL_TYPE_SEEDS: CredentialTypeSeed[] = [
  {
    code: 'PS-40',
    name: '40-hour Peer Support Course (incl. Ethics & Boundaries)',
    issuer: 'The program (internal course)',
    kind: 'internal',
    validityKind: 'none',
    graceDays: 0,
    reminderDays: [],
    description: 'At least 40 hours attended, the ethics-and-boundaries module attended and the exam passed.',
  },
  {
    code: 'MT-CBHPSS',
    name: 'Certified Behavioral Health Peer Support Specialist',
    issuer: 'Montana Board of Behavioral Health',
    kind: 'external',
    validityKind: 'fixed_date',
    fixedExpiryMonth: 12,
    fixedExpiryDay: 31,
    // Program policy, not published by the Board: granted in the 90 days before Dec 31, it runs to the next one.
    fixedDateLeadDays: 90,
    fixedDateLeadVerified: false,
    graceDays: 45,
    terminatesAfterDays: 730,
    renewalCeHours: 20,
    description:
      'Renews every year by Dec 31. 20 CE hours a year (up to 20 carry forward); 2 h suicide prevention at the first renewal and every 2 years after; no CE owed before the first renewal. Lapsed up to 45 days after the renewal date (still lawful to practise), then expired up to 2 years, then terminated.',
  },
  {
    code: 'MT-FPSS',
    name: 'Family Peer Support Specialist',
    issuer: 'Montana Board of Behavioral Health',
    kind: 'external',
    validityKind: 'fixed_date',
    fixedExpiryMonth: 12,
    fixedExpiryDay: 31,
    graceDays: 45,
    terminatesAfterDays: 730,
    renewalCeHours: 20,
    description: 'Added by 2025 law; rules pending, treated like CBHPSS until known.',
  },
  {
    code: 'NARCAN-MT',
    name: 'Master Narcan (naloxone) Trainer',
    issuer: 'Montana DPHHS naloxone program',
    kind: 'external',
    validityKind: 'months',
    validityMonths: 24,
    graceDays: 0,
    description: 'No published expiry; program policy is a refresher every 2 years.',
  },
  {
    code: 'DOULA',
    name: 'Doula certification (DONA, CAPPA or equivalent)',
    issuer: 'External certifying body',
    kind: 'external',
    validityKind: 'months',
    validityMonths: 36,
    graceDays: 0,
    renewalCeHours: 15,
    description: 'Three years; continuing education per the certifying body (CAPPA: 15 hours).',
  },
  {
    code: 'DOULA-IND',
    name: 'Indigenous Doula',
    issuer: 'External or community program',
    kind: 'external',
    validityKind: 'none',
    graceDays: 0,
    description: 'Certificate of completion; renewal per program policy.',
  },
  {
    code: 'MT-DOULA-LIC',
    name: 'Montana Doula Licence',
    issuer: 'Montana Department of Labor & Industry',
    kind: 'external',
    validityKind: 'none',
    graceDays: 0,
    termsPublished: false,
    description: 'Created by 2025 law, required from 2027-01-01 per the bill summary; licence terms not yet published.',
  },
  {
    code: 'FIS',
    name: 'Fatherhood is Sacred Facilitator',
    issuer: 'Native American Fathers & Families Association',
    kind: 'external',
    validityKind: 'none',
    graceDays: 0,
    description: 'No published expiry.',
  },
  {
    code: 'MIS',
    name: 'Motherhood is Sacred Facilitator',
    issuer: 'Native American Fathers & Families Association',
    kind: 'external',
    validityKind: 'none',
    graceDays: 0,
    description: 'No published expiry.',
  },
  {
    code: 'CORR',
    name: 'Corrections Training (services in the jail)',
    issuer: 'The program and the county',
    kind: 'internal',
    validityKind: 'months',
    validityMonths: 12,
    graceDays: 0,
    description: 'Program policy: renewed yearly.',
  },
  {
    code: 'BT-W',
    name: 'Beyond Trauma (women) Facilitator Training',
    issuer: 'Covington curricula',
    kind: 'external',
    validityKind: 'none',
    graceDays: 0,
    description: 'No formal expiry.',
  },
  {
    code: 'ET-M',
    name: 'Exploring Trauma (men) Facilitator Training',
    issuer: 'Covington curricula',
    kind: 'external',
    validityKind: 'none',
    graceDays: 0,
    description: 'No formal expiry.',
  },
  {
    code: 'MHFA',
    name: 'Mental Health First Aid',
    issuer: 'National Council for Mental Wellbeing',
    kind: 'external',
    validityKind: 'months',
    validityMonths: 36,
    graceDays: 0,
    description: 'Three years.',
  },
  {
    code: 'CPR',
    name: 'CPR / First Aid',
    issuer: 'American Heart Association or American Red Cross',
    kind: 'external',
    validityKind: 'months',
    validityMonths: 24,
    graceDays: 0,
    description: 'Two years.',
  },
];

export interface PracticeRoleSeed {
  code: string;
  name: string;
  description: string;
  rule: RequirementNode;
}

const credential = (code: string, extra: Partial<RequirementNode> = {}): RequirementNode => ({
  kind: 'credential',
  credentialTypeCode: code,
  ...extra,
});
const clearedAs = (code: string): RequirementNode => ({ kind: 'practice_role', practiceRoleCode: code });

/** The practice roles and what each requires (shared/DOMAIN.md, "Practice roles and clearance"). */
export const PRACTICE_ROLE_SEEDS: PracticeRoleSeed[] = [
  {
    code: 'PSS',
    name: 'Peer Support Specialist',
    description: 'Peer support services; the base role most others build on.',
    rule: {
      kind: 'all_of',
      children: [
        { kind: 'lived_experience' },
        credential('PS-40'),
        credential('MT-CBHPSS'),
        { kind: 'active_supervision' },
      ],
    },
  },
  {
    code: 'RECOVERY-DOULA',
    name: 'Recovery Doula',
    description: 'Doula support for people in recovery.',
    rule: {
      kind: 'all_of',
      children: [
        clearedAs('PSS'),
        { kind: 'any_of', children: [credential('DOULA'), credential('DOULA-IND')] },
        credential('MT-DOULA-LIC', { appliesFrom: '2027-01-01' }),
      ],
    },
  },
  {
    code: 'IND-RECOVERY-DOULA',
    name: 'Indigenous Recovery Doula',
    description: 'Doula support grounded in Indigenous practice.',
    rule: { kind: 'all_of', children: [clearedAs('PSS'), credential('DOULA-IND')] },
  },
  {
    code: 'NARCAN-INSTRUCTOR',
    name: 'Narcan Class Instructor',
    description: 'Teaches naloxone (Narcan) classes.',
    rule: { kind: 'all_of', children: [credential('NARCAN-MT')] },
  },
  {
    code: 'JAIL-SERVICES',
    name: 'Jail Services',
    description: 'Peer support delivered in the county jail.',
    rule: { kind: 'all_of', children: [clearedAs('PSS'), credential('CORR')] },
  },
  {
    code: 'FIS-FACILITATOR',
    name: 'Fatherhood is Sacred Facilitator',
    description: 'Facilitates Fatherhood is Sacred groups.',
    rule: { kind: 'all_of', children: [credential('FIS')] },
  },
  {
    code: 'MIS-FACILITATOR',
    name: 'Motherhood is Sacred Facilitator',
    description: 'Facilitates Motherhood is Sacred groups.',
    rule: { kind: 'all_of', children: [credential('MIS')] },
  },
  {
    code: 'TRAUMA-FACILITATOR',
    name: 'Trauma Group Facilitator',
    description: 'Facilitates Beyond Trauma or Exploring Trauma groups.',
    rule: { kind: 'any_of', children: [credential('BT-W'), credential('ET-M')] },
  },
];
