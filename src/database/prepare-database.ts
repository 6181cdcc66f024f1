import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { Person } from '../modules/people/person.entity';
import { seedCatalog } from './seeds/catalog.seed';
import { seedDemo } from './seeds/demo.seed';

/**
 * What start-up does to the database: apply pending migrations, load the catalogue seed, and on
 * an empty database outside production add the demo program (announced in the log) so a newcomer
 * has something to look at.
 */
export async function prepareDatabase(dataSource: DataSource, config: AppConfig): Promise<void> {
  const logger = new Logger('Database');
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  if (applied.length > 0) logger.log(`Applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
  await seedCatalog(dataSource);
  if (config.demoData === 'auto' && !config.isProduction && (await dataSource.getRepository(Person).count()) === 0) {
    logger.warn('The database has no people yet: adding the DEMO program (fictional people and credentials). Set DEMO_DATA=off to start empty.');
    const report = await seedDemo(dataSource, config);
    logger.warn(`Demo data added: ${report.people} people, ${report.credentials} credentials.`);
  }
}
