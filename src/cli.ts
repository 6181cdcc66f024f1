import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AppConfig, ConfigError } from './config/app-config';
import { dataSourceOptions } from './database/data-source-options';
import { seedCatalog } from './database/seeds/catalog.seed';
import { seedDemo } from './database/seeds/demo.seed';
import { Person } from './modules/people/person.entity';

const COMMANDS: Record<string, { help: string; run: (db: DataSource, config: AppConfig, args: string[]) => Promise<void> }> = {
  migrate: {
    help: 'apply pending database migrations',
    run: async (db) => {
      const applied = await db.runMigrations({ transaction: 'each' });
      console.log(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}` : 'The database is up to date.');
    },
  },
  'migrate:revert': {
    help: 'undo the most recent migration',
    run: async (db) => {
      await db.undoLastMigration({ transaction: 'each' });
      console.log('Reverted the most recent migration.');
    },
  },
  'seed:catalog': {
    help: 'load the starting credential catalogue and practice roles (safe to repeat; never overwrites edits)',
    run: async (db) => {
      await db.runMigrations({ transaction: 'each' });
      const report = await seedCatalog(db);
      console.log(`Catalogue: ${report.added.length} added, ${report.kept.length} already present.`);
    },
  },
  'seed:demo': {
    help: 'add the fictional demo program to an empty database',
    run: async (db, config) => {
      await db.runMigrations({ transaction: 'each' });
      await seedCatalog(db);
      if ((await db.getRepository(Person).count()) > 0) {
        console.error('The database already has people; the demo program is only added to an empty one.');
        process.exitCode = 1;
        return;
      }
      const report = await seedDemo(db, config);
      console.log(`Demo program added: ${report.people} people, ${report.credentials} credentials (all fictional).`);
    },
  },
};

async function main(argv: string[]): Promise<void> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    console.log('Usage: npm run cli -- <command>\n');
    for (const [n, c] of Object.entries(COMMANDS)) console.log(`  ${n.padEnd(16)} ${c.help}`);
    process.exitCode = name && name !== 'help' ? 1 : 0;
    return;
  }
  const config = AppConfig.fromEnvironment(process.env);
  const db = await new DataSource(dataSourceOptions(config)).initialize();
  try {
    await command.run(db, config, args);
  } finally {
    await db.destroy();
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof ConfigError ? e.message : e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
