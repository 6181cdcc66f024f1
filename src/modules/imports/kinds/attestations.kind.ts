import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { IsoDate } from '../../../common/dates';
import type { Role } from '../../../common/auth/roles';
import { sqlRows } from '../../../common/db/sql';
import type { AuditEvent } from '../../audit/audit.service';
import { attestationProblem } from '../../people/attestation-rules';
import { RecordAttestationDto } from '../../people/dto/attestation.dto';
import { LivedExperienceAttestation } from '../../people/lived-experience-attestation.entity';
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

interface AttestationWrite {
  id: string;
  personId: string;
  verifiedById: string;
  verifiedOn: IsoDate;
  evidenceLocation: string;
}

const COLUMN_OF: Record<string, string> = {
  verifiedById: 'verified_by',
  verifiedOn: 'verified_on',
  evidenceLocation: 'evidence_location',
};

/**
 * Lived-experience attestations: THAT it was verified, by which admin, when and where the evidence is
 * kept. A row is the same attestation as one stored (and not withdrawn) when person and date agree.
 */
export const attestationsKind: CheckerFactory = async (env) => {
  const stored = new Map<string, { evidenceLocation: string; line: number | null }>();
  const keyOf = (personId: string, on: IsoDate) => `${personId}|${on}`;
  const rows = await sqlRows<{ person_id: string; verified_on: string; evidence_location: string }>(
    env.db,
    `SELECT person_id, CAST(verified_on AS TEXT) AS verified_on, evidence_location
       FROM lived_experience_attestations WHERE withdrawn_on IS NULL`,
  );
  for (const r of rows)
    stored.set(keyOf(r.person_id, r.verified_on.slice(0, 10)), { evidenceLocation: r.evidence_location, line: null });
  // A blank "verified by" is the admin running the import, who need not be in the file's people.
  const actorRoles = env.actor.personId
    ? (
        await sqlRows<{ role: Role }>(env.db, 'SELECT role FROM person_roles WHERE person_id = $1', [
          env.actor.personId,
        ])
      ).map((r) => r.role)
    : [];

  const check = async (row: ImportRowInput): Promise<RowOutcome<AttestationWrite>> => {
    const problems: RowProblem[] = [];
    const person = rowPerson(row, env);
    if (isProblem(person)) problems.push(person);
    const dates = readDates(row, env, ['verified_on'], problems);
    const verifierText = row.text('verified_by');
    const verifier = verifierText ? env.people.byAnyKey(verifierText) : null;
    if (typeof verifier === 'string') problems.push(problem(row, 'verified_by', verifier));
    const verifiedById = verifier && typeof verifier !== 'string' ? verifier.id : env.actor.personId;
    const body = {
      verifiedById: verifiedById ?? undefined,
      verifiedOn: dates.verified_on ?? (row.text('verified_on') ? 'not-a-date' : undefined),
      evidenceLocation: row.text('evidence_location') ?? undefined,
    };
    const valid = await validateRow(row, RecordAttestationDto, body, COLUMN_OF);
    if (valid.problems) problems.push(...valid.problems.filter((p) => !problems.some((q) => q.column === p.column)));
    if (problems.length || isProblem(person) || !valid.value || !verifiedById) return rejected(problems);
    const dto = valid.value;
    const refused = attestationProblem(
      {
        verifierRoles: verifier && typeof verifier !== 'string' ? verifier.roles : actorRoles,
        verifiedOn: dto.verifiedOn,
      },
      env.today,
    );
    if (refused) {
      const message =
        refused.field === 'verifiedById' && !verifier ? `is empty, and you are not an admin` : refused.message;
      return rejected([problem(row, COLUMN_OF[refused.field], message)]);
    }
    const key = keyOf(person.id, dto.verifiedOn);
    const same = stored.get(key);
    if (same?.line != null)
      return rejected([problem(row, 'verified_on', `is the same attestation as line ${same.line}`)]);
    if (same) {
      if (squash(same.evidenceLocation) === squash(dto.evidenceLocation)) return { result: 'unchanged' };
      return rejected([conflict(row, 'evidence_location', same.evidenceLocation, dto.evidenceLocation)]);
    }
    stored.set(key, { evidenceLocation: dto.evidenceLocation, line: row.line });
    return {
      result: 'new',
      write: {
        id: randomUUID(),
        personId: person.id,
        verifiedById,
        verifiedOn: dto.verifiedOn,
        evidenceLocation: dto.evidenceLocation,
      },
    };
  };

  const write = async (tx: EntityManager, writes: AttestationWrite[]): Promise<AuditEvent[]> => {
    const repo = tx.getRepository(LivedExperienceAttestation);
    for (let i = 0; i < writes.length; i += 200) await repo.insert(writes.slice(i, i + 200));
    return writes.map((w) => ({
      action: 'attestation.recorded',
      entityType: 'person',
      entityId: w.personId,
      after: {
        verifiedById: w.verifiedById,
        verifiedOn: w.verifiedOn,
        evidenceLocation: w.evidenceLocation,
        attestationId: w.id,
        importId: env.importId,
      },
    }));
  };

  return { check, write };
};
