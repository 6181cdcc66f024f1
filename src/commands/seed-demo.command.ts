import { Command, CommandRunner } from 'nest-commander';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { seedCatalog } from '../database/seeds/catalog.seed';
import { seedDemo } from '../database/seeds/demo.seed';
import { AccountLinksService } from '../modules/auth/account-links.service';
import { Person } from '../modules/people/person.entity';
import { linkBaseNote } from './link-base';

@Command({
  name: 'seed:demo',
  description: 'add the fictional demo program to an empty database, printing one-time sign-in links',
})
export class SeedDemoCommand extends CommandRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly accountLinks: AccountLinksService,
  ) {
    super();
  }

  async run(): Promise<void> {
    await this.dataSource.runMigrations({ transaction: 'each' });
    await seedCatalog(this.dataSource);
    if ((await this.dataSource.getRepository(Person).count()) > 0)
      throw new Error('The database already has people; the demo program is only added to an empty one.');
    const report = await seedDemo(this.dataSource, this.config, this.accountLinks);
    console.log(`Demo program added: ${report.people} people, ${report.credentials} credentials (all fictional).`);
    console.log(linkBaseNote(this.config));
    for (const link of report.links) console.log(`  ${link.role.padEnd(10)} ${link.name}: ${link.link}`);
  }
}
