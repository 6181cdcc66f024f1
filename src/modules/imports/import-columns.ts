import type { ImportKind } from './import.entity';
import { squash } from './import-values';

export interface ImportField {
  field: string;
  label: string;
  /** Header texts that mean this field, besides the label and the field name (compared squashed). */
  synonyms: string[];
  required?: boolean;
}

const PERSON_KEYS: ImportField[] = [
  {
    field: 'email',
    label: 'E-mail',
    synonyms: [
      'email',
      'e-mail',
      'email address',
      'e-mail address',
      'mail',
      'person email',
      'peer email',
      'work email',
    ],
  },
  {
    field: 'external_id',
    label: 'External id',
    synonyms: [
      'external id',
      'employee id',
      'employee number',
      'employee #',
      'hr number',
      'hr #',
      'hr id',
      'staff id',
      'person id',
    ],
  },
  {
    field: 'person_name',
    label: 'Name (checked against the person)',
    synonyms: ['name', 'full name', 'person', 'peer', 'peer name', 'employee', 'employee name'],
  },
];

/**
 * The columns each kind of file may have. A file's headers are matched to these by name and common
 * synonyms; anything else is asked about on the mapping step. `email`/`external_id` find the person a
 * row is about (at least one is needed); `person_name`, when given, must agree with who was found.
 */
export const IMPORT_FIELDS: Record<ImportKind, ImportField[]> = {
  people: [
    {
      field: 'name',
      label: 'Name',
      synonyms: ['full name', 'legal name', 'person', 'peer', 'employee name', 'staff name'],
    },
    { field: 'first_name', label: 'First name', synonyms: ['first', 'given name', 'forename', 'first name'] },
    { field: 'last_name', label: 'Last name', synonyms: ['last', 'surname', 'family name', 'last name'] },
    {
      field: 'preferred_name',
      label: 'Preferred name',
      synonyms: ['preferred', 'goes by', 'printed name', 'name on certificate', 'nickname'],
    },
    { ...PERSON_KEYS[0], required: true },
    PERSON_KEYS[1],
    { field: 'phone', label: 'Phone', synonyms: ['phone number', 'telephone', 'mobile', 'cell'] },
    { field: 'roles', label: 'Roles', synonyms: ['role', 'position', 'access'] },
    { field: 'status', label: 'Status', synonyms: ['active', 'employment status', 'state'] },
  ],
  attestations: [
    ...PERSON_KEYS,
    {
      field: 'verified_on',
      label: 'Verified on',
      required: true,
      synonyms: ['verified', 'date verified', 'verification date', 'attested on', 'date'],
    },
    { field: 'verified_by', label: 'Verified by', synonyms: ['verifier', 'checked by', 'attested by'] },
    {
      field: 'evidence_location',
      label: 'Evidence kept at',
      required: true,
      synonyms: ['evidence', 'evidence location', 'where kept', 'kept in', 'file location'],
    },
  ],
  credentials: [
    ...PERSON_KEYS,
    {
      field: 'type',
      label: 'Credential type',
      required: true,
      synonyms: ['credential', 'credential type', 'certification', 'license', 'licence', 'type code'],
    },
    {
      field: 'number',
      label: 'Number',
      synonyms: [
        'licence number',
        'license number',
        'license #',
        'cert #',
        'certificate number',
        'state cert #',
        'state cert number',
        'certification number',
        'credential number',
      ],
    },
    { field: 'issuer', label: 'Issuer', synonyms: ['issuing body', 'issued by', 'agency', 'board'] },
    {
      field: 'issued_on',
      label: 'Issued on',
      required: true,
      synonyms: ['issued', 'issue date', 'date issued', 'certified on', 'effective date', 'start date'],
    },
    {
      field: 'expires_on',
      label: 'Expires on',
      synonyms: ['expires', 'expiry', 'expiry date', 'expiration', 'expiration date', 'exp date', 'valid until'],
    },
    {
      field: 'checked_on',
      label: 'Primary-source check on',
      synonyms: ['verified on', 'checked on', 'verification date', 'psv date', 'primary source verified'],
    },
    {
      field: 'checked_where',
      label: 'Primary-source check where',
      synonyms: ['verified at', 'checked where', 'verification source', 'psv source', 'source'],
    },
    { field: 'checked_by', label: 'Primary-source check by', synonyms: ['verified by', 'checked by', 'psv by'] },
    { field: 'evidence_note', label: 'Evidence kept at', synonyms: ['evidence', 'evidence location', 'notes'] },
  ],
  completions: [
    ...PERSON_KEYS,
    {
      field: 'course',
      label: 'Course',
      required: true,
      synonyms: ['course code', 'course title', 'training', 'class'],
    },
    {
      field: 'completed_on',
      label: 'Completed on',
      required: true,
      synonyms: ['completed', 'completion date', 'date completed', 'finished', 'date'],
    },
    { field: 'hours', label: 'Hours', synonyms: ['hours', 'contact hours', 'hrs', 'duration'] },
  ],
  supervision: [
    {
      field: 'peer_email',
      label: 'Peer e-mail',
      synonyms: ['peer', 'peer email', 'supervisee', 'supervisee email', 'email'],
    },
    {
      field: 'peer_external_id',
      label: 'Peer external id',
      synonyms: ['peer id', 'peer employee id', 'supervisee id', 'external id', 'employee id'],
    },
    {
      field: 'supervisor',
      label: 'Supervisor',
      required: true,
      synonyms: ['supervisor email', 'supervisor e-mail', 'supervised by', 'supervisor id'],
    },
    {
      field: 'from',
      label: 'From',
      required: true,
      synonyms: ['start', 'starts on', 'start date', 'from date', 'begin'],
    },
    { field: 'to', label: 'To', synonyms: ['end', 'ends on', 'end date', 'to date', 'until', 'last day'] },
  ],
  ce: [
    ...PERSON_KEYS,
    {
      field: 'title',
      label: 'Title',
      required: true,
      synonyms: ['activity', 'course', 'workshop', 'training', 'event'],
    },
    {
      field: 'provider',
      label: 'Provider',
      synonyms: ['offered by', 'organization', 'organisation', 'sponsor', 'presenter'],
    },
    {
      field: 'completed_on',
      label: 'Date',
      required: true,
      synonyms: ['date', 'completed', 'completed on', 'attended', 'attended on', 'completion date'],
    },
    { field: 'hours', label: 'Hours', required: true, synonyms: ['ce hours', 'credit hours', 'hrs', 'credits'] },
    { field: 'category', label: 'Category', synonyms: ['topic', 'ce category', 'subject'] },
    { field: 'confirmed', label: 'Confirmed', synonyms: ['approved', 'verified', 'status'] },
    { field: 'evidence_note', label: 'Evidence kept at', synonyms: ['evidence', 'certificate', 'notes'] },
  ],
};

/** Which fields a kind needs one of, besides those marked required. */
export const ONE_OF: Partial<Record<ImportKind, string[][]>> = {
  people: [['name', 'first_name']],
  attestations: [['email', 'external_id']],
  credentials: [['email', 'external_id']],
  completions: [['email', 'external_id']],
  supervision: [['peer_email', 'peer_external_id']],
  ce: [['email', 'external_id']],
};

/**
 * A header that would carry health information. We record THAT lived experience was verified, never
 * what it was; the same goes for any import. Such a column is refused, not ignored: ignoring it would
 * still have the diagnosis uploaded and kept in the stored file.
 */
const HEALTH_DETAIL =
  /^(diagnos[ie]s|dx|condition|conditions|illness|disorder|disability|icd(10)?|dsm|medical|medications?|health (condition|details?|history)|substances?( used)?|drug of choice|mental health|treatment)$/;

export function healthDetailHeader(header: string): boolean {
  const words = header
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  return HEALTH_DETAIL.test(words) || /\b(diagnos[ie]s|dx|icd ?10|dsm)\b/.test(words);
}

/** Columns the rejected-rows CSV adds: ignored when that file comes back fixed. */
export const REJECTED_LINE_COLUMN = 'import_line';
export const REJECTED_ERROR_COLUMN = 'import_error';

export interface ColumnPlan {
  /** For each column of the file, the field it feeds, or null when it is ignored. */
  fieldOf: (string | null)[];
  columns: Record<string, string | null>;
  unmatched: string[];
  missing: string[];
  healthColumns: string[];
  /** A mapping that names a field this kind does not have. */
  badMapping: string[];
}

/** Matches a file's headers to a kind's fields: the admin's mapping first, then names and synonyms. */
export function planColumns(kind: ImportKind, header: string[], mapping: Record<string, string | null>): ColumnPlan {
  const fields = IMPORT_FIELDS[kind];
  const known = new Map<string, string>();
  for (const f of fields) {
    for (const name of [f.field, f.label, ...f.synonyms])
      if (!known.has(squash(name))) known.set(squash(name), f.field);
  }
  const mapped = new Map(Object.entries(mapping).map(([h, f]) => [squash(h), f]));
  const taken = new Set<string>();
  const plan: ColumnPlan = { fieldOf: [], columns: {}, unmatched: [], missing: [], healthColumns: [], badMapping: [] };
  for (const h of header) {
    const key = squash(h);
    if (healthDetailHeader(h)) plan.healthColumns.push(h);
    let field: string | null | undefined;
    if (mapped.has(key)) {
      field = mapped.get(key) ?? null;
      if (field !== null && !fields.some((f) => f.field === field)) {
        plan.badMapping.push(`${h} → ${field}`);
        field = null;
      }
    } else if (h === REJECTED_LINE_COLUMN || h === REJECTED_ERROR_COLUMN || h === '') {
      field = null;
    } else {
      field = known.get(key);
      if (field === undefined || taken.has(field)) {
        plan.unmatched.push(h);
        field = null;
      }
    }
    if (field) {
      if (taken.has(field)) plan.badMapping.push(`${h} → ${field} (another column already gives it)`);
      taken.add(field);
    }
    plan.fieldOf.push(field ?? null);
    plan.columns[h] = field ?? null;
  }
  for (const f of fields) if (f.required && !taken.has(f.field)) plan.missing.push(f.label);
  for (const group of ONE_OF[kind] ?? []) {
    if (!group.some((g) => taken.has(g)))
      plan.missing.push(group.map((g) => fields.find((f) => f.field === g)?.label ?? g).join(' or '));
  }
  return plan;
}
