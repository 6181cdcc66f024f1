import type { FormErrors } from '../../common/http/form-post';
import type { CredentialType } from '../catalog/credential-type.entity';
import { CE_CATEGORIES } from '../ce/ce-entry.entity';
import type { Credential } from '../credentials/credential.entity';
import type { Person } from '../people/person.entity';
import { SUBMISSION_KINDS, SUBMISSION_STATES, type Submission } from './submission.entity';

type Draft = Record<string, unknown>;

export const SUBMISSION_NOTICES: Record<string, string> = {
  submitted: 'Submitted: an admin reviews it and you will see the outcome here.',
  withdrawn: 'Withdrawn: it will not be reviewed.',
  approved: 'Approved: the record is written, with its primary-source check.',
  returned: 'Returned: the person is told what to fix, in the app and by e-mail.',
};

const KIND_LABELS: Record<string, string> = { credential: 'New credential', renewal: 'Renewal', ce: 'CE' };

/** How long a submission has waited, in the largest whole unit: "3 days", "5 hours". */
export function ageOf(since: Date, now: Date): string {
  const hours = Math.floor((now.getTime() - since.getTime()) / 3_600_000);
  if (hours < 1) return 'under an hour';
  if (hours < 24) return `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
  const days = Math.floor(hours / 24);
  return `${days} ${days === 1 ? 'day' : 'days'}`;
}

/** One line for a submission: what it hands in, in words a person reads ("Renewal of CPR", a CE title). */
export function submissionSummary(s: Submission, types: Map<string, CredentialType>) {
  const type = s.credentialTypeId ? types.get(s.credentialTypeId) : undefined;
  return {
    id: s.id,
    kind: s.kind,
    kindLabel: KIND_LABELS[s.kind],
    state: s.state,
    what: s.kind === 'ce' ? s.title : `${type?.code ?? '?'} ${type?.name ?? ''}`.trim(),
    submittedAt: s.createdAt,
    reviewedAt: s.reviewedAt,
    returnReason: s.returnReason,
  };
}

/** The record fields a submission carries, as the pages list them (label, value), for either kind. */
export function submissionFacts(s: Submission, types: Map<string, CredentialType>) {
  const type = s.credentialTypeId ? types.get(s.credentialTypeId) : undefined;
  const facts: Array<{ label: string; value: string | number | null; date?: boolean }> =
    s.kind === 'ce'
      ? [
          { label: 'Title', value: s.title },
          { label: 'Provider', value: s.provider },
          { label: 'Date', value: s.completedOn, date: true },
          { label: 'Hours', value: s.hours },
          { label: 'Category', value: s.category?.replace(/_/g, ' ') ?? null },
        ]
      : [
          { label: 'Credential', value: type ? `${type.code} ${type.name}` : null },
          { label: 'Licence number', value: s.licenceNumber },
          { label: 'Issuer', value: s.issuingBody },
          { label: 'Issued', value: s.issuedOn, date: true },
          { label: 'Expires', value: s.expiresOn, date: true },
        ];
  return facts;
}

/** The evidence files, each with its inline address (the review page's viewer) and its download address. */
export function evidenceView(s: Submission) {
  return s.files.map((f, i) => {
    const url = `/api/v1/submissions/${s.id}/files/${i + 1}`;
    return {
      n: i + 1,
      name: f.name,
      size:
        f.size < 1024 * 1024 ? `${Math.max(1, Math.round(f.size / 1024))} KB` : `${(f.size / 1048576).toFixed(1)} MB`,
      isPdf: f.type === 'pdf',
      // Chromium cannot draw HEIC: those are offered as a download only.
      isImage: f.type === 'jpeg' || f.type === 'png',
      inline: `${url}?inline=1`,
      download: url,
    };
  });
}

const CE_FORM_FIELDS = ['title', 'provider', 'completedOn', 'hours', 'category', 'files'];
const CREDENTIAL_FORM_FIELDS = ['credentialTypeCode', 'licenceNumber', 'issuingBody', 'issuedOn', 'expiresOn', 'files'];

/** A message about a field the form does not show (credentialId, previousId) is said at the top of the form. */
function withFormError(errors: FormErrors | undefined, shown: string[]): FormErrors | null {
  if (!errors) return null;
  const elsewhere = Object.entries(errors).find(([field]) => field !== 'form' && !shown.includes(field));
  return elsewhere && !errors.form ? { ...errors, form: `${elsewhere[0]} ${elsewhere[1]}.` } : errors;
}

export interface SubmissionFormOptions {
  kind: 'credential' | 'renewal' | 'ce';
  types: CredentialType[];
  draft: Draft;
  errors?: FormErrors;
  renewing?: Credential | null;
  previousId?: string | null;
}

/** The hand-in form: a credential (new or a renewal) or a CE activity, with its draft and field errors. */
export function submissionFormModel(o: SubmissionFormOptions) {
  const title =
    o.kind === 'ce'
      ? 'Add CE'
      : o.kind === 'renewal'
        ? `Renew ${o.renewing?.credentialType.code ?? 'a credential'}`
        : 'Add a credential';
  return {
    title,
    kind: o.kind,
    isCe: o.kind === 'ce',
    values: o.draft,
    errors: withFormError(o.errors, o.kind === 'ce' ? CE_FORM_FIELDS : CREDENTIAL_FORM_FIELDS),
    renewing: o.renewing
      ? {
          id: o.renewing.id,
          code: o.renewing.credentialType.code,
          name: o.renewing.credentialType.name,
          expiresOn: o.renewing.expiresOn,
        }
      : null,
    previousId: o.previousId ?? null,
    types: o.types.map((t) => ({ code: t.code, name: t.name })),
    categories: CE_CATEGORIES,
  };
}

/** A form's draft from a submission, to fix and send again: the same field names the form posts. */
export function draftFrom(s: Submission, types: Map<string, CredentialType>): Draft {
  return s.kind === 'ce'
    ? { title: s.title, provider: s.provider, completedOn: s.completedOn, hours: s.hours, category: s.category }
    : {
        credentialTypeCode: s.credentialTypeId ? types.get(s.credentialTypeId)?.code : undefined,
        licenceNumber: s.licenceNumber,
        issuingBody: s.issuingBody,
        issuedOn: s.issuedOn,
        expiresOn: s.expiresOn,
      };
}

export interface QueueFilters {
  state: string;
  kind: string;
}

/** The review queue, oldest first, each with how long it has waited and whose it is. */
export function queueModel(
  list: Submission[],
  filters: QueueFilters,
  types: Map<string, CredentialType>,
  people: Map<string, Person>,
  now: Date,
) {
  return {
    title: 'Submissions',
    wide: true,
    filters,
    states: SUBMISSION_STATES,
    kinds: SUBMISSION_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] })),
    rows: list.map((s) => ({
      ...submissionSummary(s, types),
      person: people.get(s.personId)?.displayName ?? '—',
      age: ageOf(s.createdAt, now),
    })),
  };
}
