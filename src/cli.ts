import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { AppConfig, ConfigError } from './config/app-config';
import { seedCatalog } from './database/seeds/catalog.seed';
import { seedDemo } from './database/seeds/demo.seed';
import { systemActor } from './modules/audit/actor';
import { AuditService } from './modules/audit/audit.service';
import { isIsoDate } from './common/dates';
import { ExpiryScanService } from './modules/expiry/expiry-scan.service';
import { SupervisorDigestService } from './modules/expiry/supervisor-digest.service';
import { AccountLinksService } from './modules/auth/account-links.service';
import { CertificatesService } from './modules/certificates/certificates.service';
import { rotateSigningKey } from './modules/certificates/rotate-signing-key';
import { PeopleService } from './modules/people/people.service';
import { Person } from './modules/people/person.entity';
import { PersonRole } from './modules/people/person-role.entity';

type Options = Record<string, string>;
interface Command {
  help: string;
  run: (app: INestApplicationContext, options: Options) => Promise<void>;
}

const db = (app: INestApplicationContext) => app.get(DataSource);

const COMMANDS: Record<string, Command> = {
  migrate: {
    help: 'apply pending database migrations',
    run: async (app) => {
      const applied = await db(app).runMigrations({ transaction: 'each' });
      console.log(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}` : 'The database is up to date.');
    },
  },
  'migrate:revert': {
    help: 'undo the most recent migration',
    run: async (app) => {
      await db(app).undoLastMigration({ transaction: 'each' });
      console.log('Reverted the most recent migration.');
    },
  },
  'seed:catalog': {
    help: 'load the starting credential catalogue and practice roles (safe to repeat; never overwrites edits)',
    run: async (app) => {
      await db(app).runMigrations({ transaction: 'each' });
      const report = await seedCatalog(db(app));
      console.log(`Catalogue: ${report.added.length} added, ${report.kept.length} already present.`);
    },
  },
  'seed:demo': {
    help: 'add the fictional demo program to an empty database, printing one-time sign-in links',
    run: async (app) => {
      await db(app).runMigrations({ transaction: 'each' });
      await seedCatalog(db(app));
      if ((await db(app).getRepository(Person).count()) > 0) {
        console.error('The database already has people; the demo program is only added to an empty one.');
        process.exitCode = 1;
        return;
      }
      const report = await seedDemo(db(app), app.get(AppConfig), app.get(AccountLinksService));
      console.log(`Demo program added: ${report.people} people, ${report.credentials} credentials (all fictional).`);
      for (const link of report.links) console.log(`  ${link.role.padEnd(10)} ${link.name}: ${link.link}`);
    },
  },
  'create-admin': {
    help: 'create the first admin (or make someone admin): --email ADDRESS --name "FULL NAME"; prints a one-time link to set the password',
    run: async (app, options) => {
      if (!options.email || !options.name)
        throw new Error(
          'create-admin needs --email and --name, e.g. create-admin --email jo@example.org --name "Jo Ashby"',
        );
      await db(app).runMigrations({ transaction: 'each' });
      const actor = systemActor('command line');
      const people = app.get(PeopleService);
      const existing = await db(app)
        .getRepository(Person)
        .createQueryBuilder('p')
        .where('lower(p.email) = :e', { e: options.email.toLowerCase() })
        .getOne();
      let personId: string;
      if (existing) {
        const roles = (await db(app).getRepository(PersonRole).findBy({ personId: existing.id })).map((r) => r.role);
        await people.update(
          existing.id,
          { roles: [...new Set([...roles, 'admin' as const])], status: 'active' },
          actor,
        );
        personId = existing.id;
        console.log(`${existing.name} <${existing.email}> is now an admin.`);
      } else {
        personId = (await people.create({ name: options.name, email: options.email, roles: ['admin'] }, actor)).id;
        console.log(`Created admin ${options.name} <${options.email}>.`);
      }
      const { link, expiresAt } = await app.get(AccountLinksService).invite(personId, actor);
      console.log(`Set the password within 7 days (by ${expiresAt.toISOString()}), once, at:\n${link}`);
    },
  },
  'jobs:run': {
    help: 'run a scheduled job now, here: expiry-scan | supervisor-digest [--date YYYY-MM-DD] (default today in PROGRAM_TIMEZONE); its e-mail is queued for delivery',
    run: async (app, options) => {
      const job = options._;
      const date = options.date ?? app.get(AppConfig).today();
      if (!isIsoDate(date)) throw new Error(`--date must be a calendar date YYYY-MM-DD, not "${date}"`);
      if (job === 'expiry-scan') {
        const r = await app.get(ExpiryScanService).run(date);
        console.log(
          `Expiry scan for ${r.date}: ${r.examined} credentials due, ${r.transitions} status changes, ${r.reminders} reminders, ${r.clearanceChanges} clearance changes, ${r.emailsQueued} e-mails queued.`,
        );
        console.log(
          `Clearance rechecked for ${r.clearanceChecked} people (dates ${r.window.from} to ${r.window.to}); ${r.remindersSkipped} reminders too old to send recorded as skipped.`,
        );
      } else if (job === 'supervisor-digest') {
        const r = await app.get(SupervisorDigestService).run(date);
        console.log(`Supervisor digest for ${r.date}: ${r.supervisors} supervisors, ${r.emailsQueued} e-mails queued.`);
      } else {
        throw new Error(
          'jobs:run needs a job: expiry-scan or supervisor-digest, e.g. jobs:run expiry-scan --date 2026-12-01',
        );
      }
    },
  },
  'certificates:issue-missing': {
    help: 'make the certificate of every program-issued credential that has none (e.g. awarded before certificates existed)',
    run: async (app) => {
      await db(app).runMigrations({ transaction: 'each' });
      const certificates = app.get(CertificatesService);
      const missing = await certificates.findMissing();
      let made = 0;
      // Here, not through the queue: this process is the worker, and it should not exit with jobs half done.
      for (const credentialId of missing) if (await certificates.issue(credentialId, null)) made++;
      console.log(
        `Certificates: ${made} made, ${missing.length - made} skipped (${missing.length} credentials had none).`,
      );
    },
  },
  'rotate-signing-key': {
    help: 'make a new key sign Open Badges credentials; every earlier key stays published, so issued credentials still verify',
    run: (app) => rotateSigningKey(app, console.log),
  },
  'audit:verify': {
    help: 'recompute the audit log hash chain; names any edited, deleted or reordered entry (exit 1 when broken)',
    run: async (app) => {
      const report = await app.get(AuditService).verify();
      if (report.ok) {
        console.log(`Audit log intact: ${report.checked} entries checked.`);
        return;
      }
      console.log(`Audit log BROKEN (${report.checked} entries checked):`);
      for (const problem of report.problems) console.log(`  - ${problem}`);
      process.exitCode = 1;
    },
  },
};

function parseOptions(args: string[]): Options {
  const options: Options = {};
  for (let i = 0; i < args.length; i++) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(args[i]);
    // One bare word before the options (jobs:run expiry-scan) is the command's subject.
    if (!m && i === 0 && !args[i].startsWith('-')) {
      options._ = args[i];
      continue;
    }
    if (!m) throw new Error(`Unexpected argument "${args[i]}"; options look like --name value`);
    options[m[1]] = m[2] ?? args[++i] ?? '';
  }
  return options;
}

async function main(argv: string[]): Promise<void> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    console.log('Usage: npm run cli -- <command> [options]\n');
    for (const [n, c] of Object.entries(COMMANDS)) console.log(`  ${n.padEnd(16)} ${c.help}`);
    process.exitCode = name && name !== 'help' ? 1 : 0;
    return;
  }
  const options = parseOptions(args);
  const config = AppConfig.fromEnvironment(process.env);
  const app = await NestFactory.createApplicationContext(AppModule.register(config), { logger: ['error', 'warn'] });
  try {
    // Migrations first, so a job run on a fresh database finds its tables.
    if (name.startsWith('jobs:')) await db(app).runMigrations({ transaction: 'each' });
    await command.run(app, options);
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof ConfigError ? e.message : e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
