import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { AccountLinksService } from '../modules/auth/account-links.service';
import { Person } from '../modules/people/person.entity';
import { seedCatalog } from './seeds/catalog.seed';
import { seedDemo } from './seeds/demo.seed';
import { CertificatesService } from '../modules/certificates/certificates.service';

/**
 * What start-up does to the database: apply pending migrations, load the catalogue seed, and on
 * an empty database outside production add the demo program (announced in the log, with one-time
 * sign-in links) so a newcomer has something to look at.
 */
export async function prepareDatabase(app: INestApplicationContext): Promise<{ demoLinks: DemoLink[] }> {
  const logger = new Logger('Database');
  const dataSource = app.get(DataSource);
  const config = app.get(AppConfig);
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  if (applied.length > 0)
    logger.log(`Applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
  await seedCatalog(dataSource);
  if (config.demoData === 'auto' && !config.isProduction && (await dataSource.getRepository(Person).count()) === 0) {
    logger.warn(
      'The database has no people yet: adding the DEMO program (fictional people and credentials). Set DEMO_DATA=off to start empty.',
    );
    const report = await seedDemo(dataSource, config, app.get(AccountLinksService));
    logger.warn(`Demo data added: ${report.people} people, ${report.credentials} credentials.`);
    logger.warn('Sign in to the demo by choosing a password through these single-use links (valid 7 days):');
    for (const link of report.links) logger.warn(`  ${link.role.padEnd(10)} ${link.name}: ${link.link}`);
    // The demo's program-issued credentials get their certificates the way real awards do: through jobs.
    const queued = await app.get(CertificatesService).requestMissing();
    logger.warn(`Certificates queued for ${queued} demo credential(s).`);
    return { demoLinks: report.links };
  }
  return { demoLinks: [] };
}

/** A demo person's single-use sign-in link, as start-up prints it. */
export interface DemoLink {
  role: string;
  name: string;
  link: string;
}
