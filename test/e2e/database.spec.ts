import { DataSource } from 'typeorm';
import { AppConfig } from '../../src/config/app-config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { MIGRATIONS } from '../../src/database/migrations';
import { seedCatalog } from '../../src/database/seeds/catalog.seed';
import { CREDENTIAL_TYPE_SEEDS, PRACTICE_ROLE_SEEDS } from '../../src/database/seeds/catalog-data';
import { COURSE_SEEDS } from '../../src/database/seeds/course-data';
import { CatalogService } from '../../src/modules/catalog/catalog.service';
import { systemActor } from '../../src/common/auth/actor';
import { AuditService } from '../../src/modules/audit/audit.service';
import { CredentialType } from '../../src/modules/catalog/credential-type.entity';
import { PracticeRoleRequirement } from '../../src/modules/catalog/practice-role-requirement.entity';
import { PracticeRole } from '../../src/modules/catalog/practice-role.entity';
import { LivedExperienceAttestation } from '../../src/modules/people/lived-experience-attestation.entity';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/engines';

const TABLES = [
  'account_links',
  'api_tokens',
  'attendance',
  'audit_log',
  'catalog_revision',
  'ce_entries',
  'certificate_lookups',
  'certificates',
  'clearance_facts_changed',
  'clearance_snapshots',
  'cohort_trainers',
  'cohorts',
  'course_modules',
  'courses',
  'credential_transitions',
  'credential_types',
  'credentials',
  'enrollments',
  'expiry_scan_state',
  'external_identities',
  'exam_attempts',
  'form_results',
  'import_mappings',
  'imports',
  'submissions',
  'jobs',
  'lived_experience_attestations',
  'login_failures',
  'notification_preferences',
  'notifications',
  'outbox',
  'people',
  'person_roles',
  'person_status_periods',
  'practice_role_assignments',
  'practice_role_requirements',
  'practice_role_rule_versions',
  'practice_roles',
  'program_settings',
  'rate_limits',
  'roster_rejections',
  'seed_entries',
  'sent_reminders',
  'sessions',
  'supervision_assignments',
  'supervision_sessions',
  'supervisor_qualifications',
  'training_session_modules',
  'training_sessions',
];
const actor = systemActor('test');

async function tableNames(db: DataSource): Promise<string[]> {
  const rows: Array<{ name: string }> =
    db.options.type === 'postgres'
      ? await db.query(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`)
      : await db.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`);
  return rows.map((r) => r.name).sort();
}

async function columnNames(db: DataSource, table: string): Promise<string[]> {
  const rows: Array<{ name: string }> =
    db.options.type === 'postgres'
      ? await db.query(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = $1`, [table])
      : await db.query(`SELECT name FROM pragma_table_info(?)`, [table]);
  return rows.map((r) => r.name).sort();
}

describeEachEngine('Database', (engine) => {
  let testDb: TestDatabase;
  let db: DataSource;
  let config: AppConfig;

  beforeEach(async () => {
    testDb = await createTestDatabase(engine);
    config = AppConfig.fromEnvironment({ NODE_ENV: 'test', ...testDb.env });
    db = await new DataSource(dataSourceOptions(config)).initialize();
  });
  afterEach(async () => {
    await db?.destroy();
    await testDb?.cleanup();
  });

  it('migrates up, all the way down, and up again', async () => {
    expect(await db.runMigrations()).toHaveLength(MIGRATIONS.length);
    expect(await tableNames(db)).toEqual([...TABLES, 'migrations'].sort());
    expect(await db.showMigrations()).toBe(false);

    for (let i = 0; i < MIGRATIONS.length; i++) await db.undoLastMigration();
    expect(await tableNames(db)).toEqual(['migrations']);

    await db.runMigrations();
    expect(await tableNames(db)).toEqual([...TABLES, 'migrations'].sort());
  });

  it('turns on foreign keys (and WAL for SQLite files)', async () => {
    await db.runMigrations();
    if (engine === 'sqlite') {
      expect(await db.query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
      expect(await db.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    }
    await expect(
      db.query(`INSERT INTO person_roles (person_id, role) VALUES ('00000000-0000-4000-8000-00000000abcd', 'peer')`),
    ).rejects.toThrow(/foreign key/i);
  });

  it('keeps no health detail about lived experience: only who verified it, when, and where the evidence is', async () => {
    await db.runMigrations();
    const allowed = [
      'evidence_location',
      'id',
      'person_id',
      'recorded_at',
      'verified_by_id',
      'verified_on',
      'withdrawn_by_id',
      'withdrawn_on',
    ];
    expect(await columnNames(db, 'lived_experience_attestations')).toEqual(allowed);
    expect(
      db
        .getMetadata(LivedExperienceAttestation)
        .columns.map((c) => c.databaseName)
        .sort(),
    ).toEqual(allowed);
    // No table anywhere has a column that could hold a diagnosis or treatment history.
    for (const table of TABLES) {
      for (const column of await columnNames(db, table))
        expect(column).not.toMatch(/diagnos|condition|treatment|narrative|health|illness|substance/i);
    }
  });

  it('seeds the catalogue once: a second run changes nothing', async () => {
    await db.runMigrations();
    const first = await seedCatalog(db);
    expect(first.added).toHaveLength(CREDENTIAL_TYPE_SEEDS.length + PRACTICE_ROLE_SEEDS.length + COURSE_SEEDS.length);
    const snapshot = async () => ({
      types: await db.getRepository(CredentialType).find({ order: { code: 'ASC' } }),
      roles: await db.getRepository(PracticeRole).find({ order: { code: 'ASC' } }),
      requirements: await db.getRepository(PracticeRoleRequirement).count(),
    });
    const before = await snapshot();
    const second = await seedCatalog(db);
    expect(second).toEqual({ added: [], kept: [] });
    expect(await snapshot()).toEqual(before);
  });

  it('stores the seeded rules exactly as written', async () => {
    await db.runMigrations();
    await seedCatalog(db);
    const catalog = new CatalogService(db, new AuditService(db), config);
    const roles = await catalog.listPracticeRoles();
    for (const seed of PRACTICE_ROLE_SEEDS) {
      const found = roles.find((r) => r.role.code === seed.code);
      expect(found?.rule).toEqual(seed.rule);
    }
    const cbhpss = await db.getRepository(CredentialType).findOneByOrFail({ code: 'MT-CBHPSS' });
    expect(cbhpss).toMatchObject({
      validityKind: 'fixed_date',
      fixedExpiryMonth: 12,
      fixedExpiryDay: 31,
      graceDays: 45,
      terminatesAfterDays: 730,
      renewalCeHours: 20,
      reminderDays: [90, 60, 30, 7, 0],
    });
  });

  it('never overwrites or re-adds what an admin edited, renamed or created first', async () => {
    await db.runMigrations();
    // An admin made their own CPR type before the seed ever ran.
    const catalog = new CatalogService(db, new AuditService(db), config);
    await catalog.createCredentialType(
      {
        code: 'CPR',
        name: 'CPR (our own)',
        issuer: 'Local hospital',
        kind: 'external',
        validityKind: 'months',
        validityMonths: 12,
      },
      actor,
    );
    await seedCatalog(db);
    expect(await db.getRepository(CredentialType).findOneByOrFail({ code: 'CPR' })).toMatchObject({
      name: 'CPR (our own)',
      validityMonths: 12,
    });

    const mhfa = await db.getRepository(CredentialType).findOneByOrFail({ code: 'MHFA' });
    await catalog.updateCredentialType(
      mhfa.id,
      { name: 'Mental Health First Aid (adult)', graceDays: 30, active: false },
      actor,
    );
    const narcan = await db.getRepository(CredentialType).findOneByOrFail({ code: 'NARCAN-MT' });
    await catalog.updateCredentialType(narcan.id, { code: 'NARCAN-MASTER' }, actor);
    const jail = await db.getRepository(PracticeRole).findOneByOrFail({ code: 'JAIL-SERVICES' });
    await catalog.replaceRule(
      jail.id,
      { kind: 'all_of', children: [{ kind: 'credential', credentialTypeCode: 'CORR' }] },
      actor,
    );

    expect(await seedCatalog(db)).toEqual({ added: [], kept: [] });
    expect(await db.getRepository(CredentialType).findOneByOrFail({ id: mhfa.id })).toMatchObject({
      name: 'Mental Health First Aid (adult)',
      graceDays: 30,
      active: false,
    });
    expect(await db.getRepository(CredentialType).existsBy({ code: 'NARCAN-MT' })).toBe(false);
    expect((await catalog.getPracticeRole(jail.id)).rule).toEqual({
      kind: 'all_of',
      children: [{ kind: 'credential', credentialTypeCode: 'CORR' }],
    });
  });
});
