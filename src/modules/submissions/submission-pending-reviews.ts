import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dateInZone } from '../../common/dates';
import { AppConfig } from '../../config/app-config';
import { CredentialType } from '../catalog/credential-type.entity';
import { PendingReviews, type PendingReview } from '../clearance/pending-reviews';
import { Submission } from './submission.entity';

/** Ids per IN (...) list, well under both engines' parameter limits. */
const IN_LIST = 900;

/**
 * The clearance answers' "submitted on …, awaiting review", from the submissions still waiting. Always one query:
 * a handful of ids are asked about by id; a whole board reads the (short) review queue once and keeps its people's.
 */
@Injectable()
export class SubmissionPendingReviews extends PendingReviews {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async forPeople(personIds: string[]): Promise<Map<string, PendingReview[]>> {
    const byPerson = new Map<string, PendingReview[]>();
    if (personIds.length === 0) return byPerson;
    const qb = this.dataSource
      .getRepository(Submission)
      .createQueryBuilder('s')
      .leftJoin(CredentialType, 't', 't.id = s.credential_type_id')
      .select('s.person_id', 'personId')
      .addSelect('s.kind', 'kind')
      .addSelect('t.code', 'code')
      .addSelect('s.created_at', 'createdAt')
      .where("s.state = 'submitted'")
      .orderBy('s.created_at', 'ASC')
      .addOrderBy('s.id', 'ASC');
    if (personIds.length <= IN_LIST) qb.andWhere('s.person_id IN (:...ids)', { ids: personIds });
    const wanted = new Set(personIds);
    const rows = await qb.getRawMany<{
      personId: string;
      kind: PendingReview['kind'];
      code: string | null;
      createdAt: Date | string;
    }>();
    for (const row of rows) {
      const personId = String(row.personId);
      if (!wanted.has(personId)) continue;
      const list = byPerson.get(personId) ?? [];
      list.push({
        kind: row.kind,
        credentialTypeCode: row.code ?? null,
        submittedOn: dateInZone(toInstant(row.createdAt), this.config.timeZone),
      });
      byPerson.set(personId, list);
    }
    return byPerson;
  }
}

/** SQLite hands raw timestamps back as UTC text without a zone; PostgreSQL as Date objects. */
function toInstant(value: Date | string): Date {
  if (value instanceof Date) return value;
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
}
