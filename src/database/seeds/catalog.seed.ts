import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { CatalogService } from '../../modules/catalog/catalog.service';
import { CredentialType } from '../../modules/catalog/credential-type.entity';
import { PracticeRole } from '../../modules/catalog/practice-role.entity';
import { Course } from '../../modules/training/course.entity';
import { CoursesService } from '../../modules/training/courses.service';
import { SeedEntry } from '../seed-entry.entity';
import { AuditService } from '../../modules/audit/audit.service';
import { systemActor } from '../../common/auth/actor';
import { CREDENTIAL_TYPE_SEEDS, PRACTICE_ROLE_SEEDS } from './catalog-data';
import { COURSE_SEEDS } from './course-data';

export interface SeedReport {
  added: string[];
  kept: string[];
}

/**
 * Loads the starting catalogue: credential types, practice roles, then courses (after the types, as
 * a course names the credential it awards). Each entry is applied at most once, ever (remembered in
 * `seed_entries`), so running it again changes nothing, and an entry an admin has edited, renamed
 * or deactivated is never touched. An entry whose code an admin already created is left as theirs.
 */
export async function seedCatalog(dataSource: DataSource): Promise<SeedReport> {
  const report: SeedReport = { added: [], kept: [] };
  const audit = new AuditService(dataSource);
  const catalog = new CatalogService(dataSource, audit);
  const courses = new CoursesService(dataSource, audit);
  const actor = systemActor('catalogue seed');
  const logger = new Logger('Seed');

  /**
   * Applies one entry unless it ever was. `blocked` names a reason it cannot be created yet; such an
   * entry is left unapplied (with a warning) and tried again on the next run.
   */
  const apply = async (
    key: string,
    exists: (tx: DataSource['manager']) => Promise<boolean>,
    create: (tx: DataSource['manager']) => Promise<unknown>,
    blocked?: (tx: DataSource['manager']) => Promise<string | null>,
  ) => {
    await dataSource.transaction(async (tx) => {
      if (await tx.getRepository(SeedEntry).existsBy({ key })) return;
      if (await exists(tx)) report.kept.push(key);
      else {
        const reason = blocked ? await blocked(tx) : null;
        if (reason) {
          logger.warn(`Catalogue: ${key} not added yet: ${reason}`);
          return;
        }
        await create(tx);
        report.added.push(key);
      }
      await tx.getRepository(SeedEntry).insert({ key });
    });
  };

  for (const seed of CREDENTIAL_TYPE_SEEDS) {
    await apply(
      `credential-type:${seed.code}`,
      (tx) => codeExists(tx, CredentialType, seed.code),
      (tx) => catalog.createCredentialType({ ...seed }, actor, tx),
    );
  }
  for (const seed of PRACTICE_ROLE_SEEDS) {
    await apply(
      `practice-role:${seed.code}`,
      (tx) => codeExists(tx, PracticeRole, seed.code),
      (tx) => catalog.createPracticeRole(seed, actor, tx),
    );
  }
  for (const seed of COURSE_SEEDS) {
    await apply(
      `course:${seed.code}`,
      (tx) => codeExists(tx, Course, seed.code),
      (tx) => courses.create(seed, actor, tx),
      (tx) => (seed.awardsCredentialTypeCode ? awardBlocked(tx, seed.awardsCredentialTypeCode) : Promise.resolve(null)),
    );
  }
  if (report.added.length > 0)
    logger.log(`Catalogue: added ${report.added.length} entries (${report.added.join(', ')})`);
  return report;
}

function codeExists(
  tx: DataSource['manager'],
  entity: typeof CredentialType | typeof PracticeRole | typeof Course,
  code: string,
): Promise<boolean> {
  return tx
    .getRepository<{ code: string }>(entity)
    .createQueryBuilder('e')
    .where('upper(e.code) = :code', { code: code.toUpperCase() })
    .getExists();
}

/**
 * Why a course cannot award this credential type yet, or null when it can. An admin may have renamed
 * the type's code or made it external; the course then waits rather than failing start-up.
 */
async function awardBlocked(tx: DataSource['manager'], code: string): Promise<string | null> {
  const type = await tx
    .getRepository(CredentialType)
    .createQueryBuilder('t')
    .where('upper(t.code) = :code', { code: code.toUpperCase() })
    .getOne();
  if (!type) return `the credential type ${code} it awards is not in the catalogue`;
  if (type.kind !== 'internal') return `the credential type ${code} it awards is issued by an outside body`;
  return null;
}
