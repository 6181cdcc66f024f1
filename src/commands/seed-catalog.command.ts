import { Command, CommandRunner } from 'nest-commander';
import { DataSource } from 'typeorm';
import { seedCatalog } from '../database/seeds/catalog.seed';

@Command({
  name: 'seed:catalog',
  description: 'load the starting credential catalogue and practice roles (safe to repeat; never overwrites edits)',
})
export class SeedCatalogCommand extends CommandRunner {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async run(): Promise<void> {
    await this.dataSource.runMigrations({ transaction: 'each' });
    const report = await seedCatalog(this.dataSource);
    console.log(`Catalogue: ${report.added.length} added, ${report.kept.length} already present.`);
  }
}
