import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { IsoDate } from '../../../common/dates';
import { sqlRows } from '../../../common/db/sql';
import type { AuditEvent } from '../../audit/audit.service';
import { CredentialType } from '../../catalog/credential-type.entity';
import { expiryFor } from '../../catalog/credential-validity';
import { Credential } from '../../credentials/credential.entity';
import { credentialRecordProblem, verificationProblem } from '../../credentials/credential-rules';
import { RecordCredentialDto } from '../../credentials/dto/credential.dto';
import { squash } from '../import-values';
import {
  conflict,
  isProblem,
  problem,
  readDates,
  rejected,
  rowPerson,
  validateRow,
  type CheckerFactory,
  type ImportRowInput,
  type RowOutcome,
  type RowProblem,
} from './import-kind';

/** A credential type named by its code or its display name, in any capitals. */
export class TypeIndex {
  private readonly byKey = new Map<string, CredentialType>();

  constructor(readonly types: CredentialType[]) {
    for (const t of types) {
      this.byKey.set(squash(t.code), t);
      this.byKey.set(squash(t.name), t);
    }
  }

  static async load(db: EntityManager): Promise<TypeIndex> {
    return new TypeIndex(await db.getRepository(CredentialType).find());
  }

  find(text: string): CredentialType | undefined {
    return this.byKey.get(squash(text));
  }

  byId(id: string): CredentialType | undefined {
    return this.types.find((t) => t.id === id);
  }
}

interface StoredCredential {
  id: string;
  personId: string;
  typeId: string;
  issuedOn: IsoDate;
  expiresOn: IsoDate | null;
  licenceNumber: string | null;
  issuingBody: string | null;
  evidenceNote: string | null;
  verifiedOn: IsoDate | null;
  verificationSource: string | null;
  verifiedById: string | null;
  line: number | null;
}

type CredentialWrite =
  | {
      op: 'insert';
      record: StoredCredential;
      type: CredentialType;
      source: 'course' | 'external';
      expiryNote: string | null;
    }
  | { op: 'update'; before: StoredCredential; after: StoredCredential; type: CredentialType };

const FIELDS = [
  'expiresOn',
  'licenceNumber',
  'issuingBody',
  'evidenceNote',
  'verifiedOn',
  'verificationSource',
] as const;
const COLUMN_OF: Record<string, string> = {
  credentialTypeCode: 'type',
  issuedOn: 'issued_on',
  expiresOn: 'expires_on',
  expiryNote: 'expires_on',
  licenceNumber: 'number',
  issuingBody: 'issuer',
  evidenceNote: 'evidence_note',
  verifiedOn: 'checked_on',
  verificationSource: 'checked_where',
};

/**
 * Credentials people hold, external or program-issued. A row is the same credential as one stored
 * when person, type and issue date (or the licence number) agree. A stored blank the file fills in
 * is an update; a stored value the file contradicts is a conflict, never overwritten.
 */
export const credentialsKind: CheckerFactory = async (env) => {
  const types = await TypeIndex.load(env.db);
  const stored = new Map<string, StoredCredential>();
  const rows = await sqlRows<Record<string, string | null>>(
    env.db,
    `SELECT id, person_id, credential_type_id, issued_on, expires_on, licence_number, issuing_body, evidence_note,
            verified_on, verification_source, verified_by_id FROM credentials`,
  );
  const keyOf = (personId: string, typeId: string, by: string) => `${personId}|${typeId}|${by.toLowerCase()}`;
  const remember = (c: StoredCredential) => {
    stored.set(keyOf(c.personId, c.typeId, c.issuedOn), c);
    if (c.licenceNumber) stored.set(keyOf(c.personId, c.typeId, `#${c.licenceNumber}`), c);
  };
  for (const r of rows) {
    remember({
      id: r.id!,
      personId: r.person_id!,
      typeId: r.credential_type_id!,
      issuedOn: day(r.issued_on)!,
      expiresOn: day(r.expires_on),
      licenceNumber: r.licence_number,
      issuingBody: r.issuing_body,
      evidenceNote: r.evidence_note,
      verifiedOn: day(r.verified_on),
      verificationSource: r.verification_source,
      verifiedById: r.verified_by_id,
      line: null,
    });
  }

  const check = async (row: ImportRowInput): Promise<RowOutcome<CredentialWrite>> => {
    const problems: RowProblem[] = [];
    const person = rowPerson(row, env);
    if (isProblem(person)) problems.push(person);
    const typeText = row.text('type');
    const type = typeText ? types.find(typeText) : undefined;
    if (typeText && !type)
      problems.push(problem(row, 'type', `${typeText} is not a credential type in the catalogue (by code or name)`));
    const dates = readDates(row, env, ['issued_on', 'expires_on', 'checked_on'], problems);
    const checkedBy = row.text('checked_by');
    const verifier = checkedBy ? env.people.byAnyKey(checkedBy) : null;
    if (typeof verifier === 'string') problems.push(problem(row, 'checked_by', verifier));
    const computed = type && dates.issued_on ? expiryFor(type, dates.issued_on) : null;
    const body = {
      credentialTypeCode: type?.code ?? typeText ?? '',
      issuedOn: dates.issued_on ?? (row.text('issued_on') ? 'not-a-date' : undefined),
      expiresOn: dates.expires_on ?? undefined,
      // A date from the program's own records is the reason it differs from what the catalogue computes.
      expiryNote: dates.expires_on && dates.expires_on !== computed ? `As recorded in ${env.fileName}` : undefined,
      licenceNumber: row.text('number') ?? undefined,
      issuingBody: row.text('issuer') ?? undefined,
      evidenceNote: row.text('evidence_note') ?? undefined,
    };
    const valid = await validateRow(row, RecordCredentialDto, body, COLUMN_OF);
    if (valid.problems) problems.push(...valid.problems.filter((p) => !problems.some((q) => q.column === p.column)));
    if (problems.length || !type || isProblem(person) || !valid.value) return rejected(problems);
    const dto = valid.value;
    const rule = credentialRecordProblem(type, dto, env.today);
    if (rule) return rejected([problem(row, COLUMN_OF[rule.field], rule.message)]);
    if (dates.checked_on) {
      const refused = verificationProblem(dates.checked_on, env.today);
      if (refused) return rejected([problem(row, 'checked_on', refused.message)]);
    } else if (row.text('checked_where') || checkedBy) {
      return rejected([problem(row, 'checked_on', 'is empty: a primary-source check needs its date')]);
    }
    const record: StoredCredential = {
      id: randomUUID(),
      personId: person.id,
      typeId: type.id,
      issuedOn: dto.issuedOn,
      expiresOn: dto.expiresOn ?? computed,
      licenceNumber: dto.licenceNumber ?? null,
      issuingBody: dto.issuingBody ?? (type.kind === 'external' ? type.issuer : null),
      evidenceNote: dto.evidenceNote ?? null,
      verifiedOn: dates.checked_on,
      verificationSource: dates.checked_on ? (row.text('checked_where') ?? null) : null,
      verifiedById: dates.checked_on ? ((verifier as { id: string } | null)?.id ?? env.actor.personId) : null,
      line: row.line,
    };
    const same =
      stored.get(keyOf(person.id, type.id, record.issuedOn)) ??
      (record.licenceNumber ? stored.get(keyOf(person.id, type.id, `#${record.licenceNumber}`)) : undefined);
    if (!same) {
      remember(record);
      return {
        result: 'new',
        write: {
          op: 'insert',
          record,
          type,
          source: type.kind === 'external' ? 'external' : 'course',
          expiryNote: dto.expiryNote ?? null,
        },
      };
    }
    if (same.line !== null)
      return rejected([problem(row, 'issued_on', `is the same ${type.code} as line ${same.line}`)]);
    return compare(row, same, record, type);
  };

  const compare = (
    row: ImportRowInput,
    same: StoredCredential,
    record: StoredCredential,
    type: CredentialType,
  ): RowOutcome<CredentialWrite> => {
    const after = { ...same };
    const conflicts: RowProblem[] = [];
    for (const field of FIELDS) {
      const given = record[field];
      if (given === null || given === same[field]) continue;
      // The expiry the catalogue computes is no claim of the file's: a stored expiry set by hand stands.
      if (field === 'expiresOn' && !row.text('expires_on')) continue;
      if (field === 'issuingBody' && !row.text('issuer')) continue;
      if (same[field] === null) after[field] = given;
      else conflicts.push(conflict(row, COLUMN_OF[field], same[field], given));
    }
    if (after.verifiedOn !== same.verifiedOn) after.verifiedById = record.verifiedById;
    if (conflicts.length) return rejected(conflicts);
    const changed = FIELDS.some((f) => after[f] !== same[f]);
    if (!changed) return { result: 'unchanged' };
    remember(after);
    return { result: 'updated', write: { op: 'update', before: same, after, type } };
  };

  const write = async (tx: EntityManager, writes: CredentialWrite[]): Promise<AuditEvent[]> => {
    const inserts = writes.filter((w) => w.op === 'insert');
    const repo = tx.getRepository(Credential);
    for (let i = 0; i < inserts.length; i += 200) {
      await repo.insert(
        inserts.slice(i, i + 200).map(({ record, source, expiryNote }) => ({
          id: record.id,
          personId: record.personId,
          credentialTypeId: record.typeId,
          source,
          cohortId: null,
          issuedOn: record.issuedOn,
          expiresOn: record.expiresOn,
          expiryNote,
          licenceNumber: record.licenceNumber,
          issuingBody: record.issuingBody,
          evidenceNote: record.evidenceNote,
          verifiedOn: record.verifiedOn,
          verificationResult: record.verifiedOn ? 'confirmed' : null,
          verificationSource: record.verificationSource,
          verifiedById: record.verifiedById,
        })),
      );
    }
    const events: AuditEvent[] = [];
    for (const w of writes) {
      if (w.op === 'insert') {
        events.push({
          action: 'credential.recorded',
          entityType: 'credential',
          entityId: w.record.id,
          after: { ...auditable(w.record), code: w.type.code, importId: env.importId },
        });
        continue;
      }
      const changes: Partial<Credential> = {};
      for (const f of FIELDS) if (w.after[f] !== w.before[f]) Object.assign(changes, { [f]: w.after[f] });
      if (changes.verifiedOn)
        Object.assign(changes, { verificationResult: 'confirmed', verifiedById: w.after.verifiedById });
      await repo.update({ id: w.before.id }, changes);
      events.push({
        action: 'credential.updated',
        entityType: 'credential',
        entityId: w.before.id,
        before: auditable(w.before),
        after: { ...auditable(w.after), importId: env.importId },
      });
    }
    return events;
  };

  return { check, write };
};

function auditable(c: StoredCredential) {
  const { line: _line, ...fields } = c;
  return fields;
}

/** A date column as YYYY-MM-DD, whichever way the driver returns it. */
export function day(value: unknown): IsoDate | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).slice(0, 10);
}
