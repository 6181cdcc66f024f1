import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { CatalogService } from '../../modules/catalog/catalog.service';
import { CredentialType } from '../../modules/catalog/credential-type.entity';
import { PracticeRole } from '../../modules/catalog/practice-role.entity';
import { SeedEntry } from '../seed-entry.entity';
import { AuditService } from '../../modules/audit/audit.service';
import { systemActor } from '../../modules/audit/actor';
import { CREDENTIAL_TYPE_SEEDS, PRACTICE_ROLE_SEEDS } from './catalog-data';

export interface SeedReport {
  added: string[];
  kept: string[];
}

/**
 * Loads the starting catalogue. Each entry is applied at most once, ever (remembered in
 * `seed_entries`), so running it again changes nothing, and an entry an admin has edited, renamed
 * or deactivated is never touched. An entry whose code an admin already created is left as theirs.
 */
export async function seedCatalog(dataSource: DataSource): Promise<SeedReport> {
  const report: SeedReport = { added: [], kept: [] };
  const catalog = new CatalogService(dataSource, new AuditService(dataSource));
  const actor = systemActor('catalogue seed');

  const apply = async (key: string, exists: (tx: DataSource['manager']) => Promise<boolean>, create: (tx: DataSource['manager']) => Promise<unknown>) => {
    await dataSource.transaction(async (tx) => {
      if (await tx.getRepository(SeedEntry).existsBy({ key })) return;
      if (await exists(tx)) report.kept.push(key);
      else {
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
  if (report.added.length > 0) new Logger('Seed').log(`Catalogue: added ${report.added.length} entries (${report.added.join(', ')})`);
  return report;
}

function codeExists(tx: DataSource['manager'], entity: typeof CredentialType | typeof PracticeRole, code: string): Promise<boolean> {
  return tx.getRepository<{ code: string }>(entity).createQueryBuilder('e').where('upper(e.code) = :code', { code: code.toUpperCase() }).getExists();
}
