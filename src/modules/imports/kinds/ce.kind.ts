import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { IsoDate } from '../../../common/dates';
import { sqlRows } from '../../../common/db/sql';
import type { AuditEvent } from '../../audit/audit.service';
import { CE_CATEGORIES, CeEntry, type CeCategory } from '../../ce/ce-entry.entity';
import { ceEntryProblem, ceReviewProblem } from '../../ce/ce-rules';
import { SubmitCeDto } from '../../ce/dto/ce.dto';
import { readHours, readYesNo, squash } from '../import-values';
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

interface CeWrite {
  entry: Pick<
    CeEntry,
    'id' | 'personId' | 'title' | 'provider' | 'completedOn' | 'hours' | 'category' | 'evidenceNote' | 'status'
  >;
  confirmed: boolean;
}

const COLUMN_OF: Record<string, string> = {
  title: 'title',
  provider: 'provider',
  completedOn: 'completed_on',
  hours: 'hours',
  category: 'category',
  evidenceNote: 'evidence_note',
};

/** The form requires a provider; old CE logs often have none, and saying so beats inventing one. */
export const PROVIDER_NOT_RECORDED = 'Not recorded';

/** A category by its code or its words ("suicide_prevention", "Suicide prevention"), any capitals. */
const CATEGORY_BY_KEY = new Map<string, CeCategory>(CE_CATEGORIES.map((c) => [squash(c), c]));

/**
 * CE activities people completed. A row is the same activity as one stored when person, title (its
 * letters and digits) and date agree; different hours are a conflict. A row marked confirmed counts
 * at once, confirmed by the admin running the import, as if they had reviewed it.
 */
export const ceKind: CheckerFactory = async (env) => {
  const stored = new Map<string, { hours: number; line: number | null }>();
  const keyOf = (personId: string, title: string, on: IsoDate) => `${personId}|${squash(title)}|${on}`;
  const rows = await sqlRows<{ person_id: string; title: string; completed_on: string; hours: string | number }>(
    env.db,
    'SELECT person_id, title, CAST(completed_on AS TEXT) AS completed_on, hours FROM ce_entries',
  );
  for (const r of rows)
    stored.set(keyOf(r.person_id, r.title, r.completed_on.slice(0, 10)), { hours: Number(r.hours), line: null });

  const check = async (row: ImportRowInput): Promise<RowOutcome<CeWrite>> => {
    const problems: RowProblem[] = [];
    const person = rowPerson(row, env);
    if (isProblem(person)) problems.push(person);
    const dates = readDates(row, env, ['completed_on'], problems);
    const hours = readHours(row.value('hours'));
    const categoryText = row.text('category');
    const confirmed = readYesNo(row.value('confirmed'));
    if (confirmed === undefined) problems.push(problem(row, 'confirmed', 'must be yes or no (blank is no)'));
    const body = {
      title: row.text('title') ?? undefined,
      provider: row.text('provider') ?? PROVIDER_NOT_RECORDED,
      completedOn: dates.completed_on ?? (row.text('completed_on') ? 'not-a-date' : undefined),
      // Text that is no number reaches the DTO as it is, which refuses it in the form's words.
      hours: hours === undefined ? row.text('hours') : (hours ?? undefined),
      category: categoryText ? (CATEGORY_BY_KEY.get(squash(categoryText)) ?? categoryText) : 'general',
      evidenceNote: row.text('evidence_note') ?? undefined,
    };
    const valid = await validateRow(row, SubmitCeDto, body, COLUMN_OF);
    if (valid.problems) problems.push(...valid.problems.filter((p) => !problems.some((q) => q.column === p.column)));
    if (problems.length || isProblem(person) || !valid.value) return rejected(problems);
    const dto = valid.value;
    const refused = ceEntryProblem(dto, env.today);
    if (refused) return rejected([problem(row, COLUMN_OF[refused.field], refused.message)]);
    if (confirmed) {
      const own = ceReviewProblem({ personId: person.id }, env.actor.personId);
      if (own) return rejected([problem(row, 'confirmed', `${own.message}: another admin confirms it`)]);
    }
    const key = keyOf(person.id, dto.title, dto.completedOn);
    const same = stored.get(key);
    if (same?.line != null)
      return rejected([problem(row, 'title', `is the same activity on the same date as line ${same.line}`)]);
    if (same) {
      if (Math.abs(same.hours - dto.hours) < 0.001) return { result: 'unchanged' };
      return rejected([conflict(row, 'hours', same.hours, dto.hours)]);
    }
    stored.set(key, { hours: dto.hours, line: row.line });
    return {
      result: 'new',
      write: {
        entry: {
          id: randomUUID(),
          personId: person.id,
          title: dto.title,
          provider: dto.provider,
          completedOn: dto.completedOn,
          hours: dto.hours,
          category: dto.category,
          evidenceNote: dto.evidenceNote ?? null,
          status: confirmed ? 'confirmed' : 'submitted',
        },
        confirmed: !!confirmed,
      },
    };
  };

  const write = async (tx: EntityManager, writes: CeWrite[]): Promise<AuditEvent[]> => {
    const repo = tx.getRepository(CeEntry);
    const reviewedAt = new Date();
    for (let i = 0; i < writes.length; i += 200) {
      await repo.insert(
        writes.slice(i, i + 200).map(({ entry, confirmed }) => ({
          ...entry,
          reviewedById: confirmed ? env.actor.personId : null,
          reviewedAt: confirmed ? reviewedAt : null,
        })),
      );
    }
    const events: AuditEvent[] = [];
    for (const { entry, confirmed } of writes) {
      const { id: entryId, personId, status: _status, ...fields } = entry;
      events.push({
        action: 'ce.submitted',
        entityType: 'person',
        entityId: personId,
        after: { entryId, ...fields, importId: env.importId },
      });
      if (confirmed)
        events.push({
          action: 'ce.confirmed',
          entityType: 'person',
          entityId: personId,
          before: { status: 'submitted' },
          after: { entryId, status: 'confirmed', importId: env.importId },
        });
    }
    return events;
  };

  return { check, write };
};
