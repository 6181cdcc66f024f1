import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

/** As `emailKey` in people/email-key.ts was when this was written; a migration keeps its own copy. */
const keyOf = (email: string) => email.normalize('NFC').toLowerCase().normalize('NFC');

/**
 * E-mail uniqueness that Unicode cannot slip past. The old index compared lower("email"), so
 * `jöl@example.org` typed with a precomposed ö (NFC) and with o + combining diaeresis (NFD) made two
 * people for one mailbox; SQLite's lower() does not even fold non-ASCII capitals. Now `email_key`
 * holds the address in NFC, lower-cased (email-key.ts), under a unique index, and the address itself
 * is stored in NFC. Neither engine's SQL can be trusted to normalise the same way (SQLite has no
 * normalize()), so existing rows are keyed here in JavaScript and the app always writes the key.
 * Triggers fill in a key a raw INSERT or UPDATE leaves stale, as a fallback: PostgreSQL with its
 * own normalize() and lower(), SQLite with lower() only.
 *
 * Two existing people whose addresses differ only by normalisation or capitals keep their rows: the
 * one created first gets the key, each later one a key with its id appended (it can never match an
 * address), so the migration never fails on data and an admin can merge or correct them afterwards.
 */
export class PeopleEmailKey1796400000000 implements MigrationInterface {
  name = 'PeopleEmailKey1796400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = dialect(queryRunner);
    const p = (n: number) => (t.postgres ? `$${n}` : '?');
    await runAll(queryRunner, [
      `ALTER TABLE "people" ADD COLUMN "email_key" varchar(320)`,
      // Dropped first: storing a clashing pair's later address in NFC could collide under it.
      `DROP INDEX "UQ_people_email_ci"`,
    ]);
    const people = (await queryRunner.query(
      `SELECT "id", "email" FROM "people" ORDER BY "created_at", "id"`,
    )) as Array<{ id: string; email: string }>;
    const taken = new Set<string>();
    for (const person of people) {
      let key = keyOf(person.email);
      if (taken.has(key)) key = `${key} ${person.id}`;
      taken.add(key);
      await queryRunner.query(`UPDATE "people" SET "email" = ${p(1)}, "email_key" = ${p(2)} WHERE "id" = ${p(3)}`, [
        person.email.normalize('NFC'),
        key,
        person.id,
      ]);
    }
    await runAll(queryRunner, [
      `CREATE UNIQUE INDEX "UQ_people_email_key" ON "people" ("email_key")`,
      ...(t.postgres
        ? [
            `ALTER TABLE "people" ALTER COLUMN "email_key" SET NOT NULL`,
            `CREATE FUNCTION "people_email_key"() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
               IF NEW."email_key" IS NULL
                  OR (TG_OP = 'UPDATE' AND NEW."email_key" = OLD."email_key"
                      AND lower(normalize(NEW."email", NFC)) <> lower(normalize(OLD."email", NFC))) THEN
                 NEW."email_key" := lower(normalize(NEW."email", NFC));
               END IF;
               RETURN NEW;
             END $$`,
            `CREATE TRIGGER "TR_people_email_key" BEFORE INSERT OR UPDATE ON "people" FOR EACH ROW EXECUTE FUNCTION "people_email_key"()`,
          ]
        : [
            // SQLite cannot add NOT NULL to an existing column without rebuilding the table; the insert trigger
            // fills a missing key instead, and the unique index then refuses a clash as it would any other.
            `CREATE TRIGGER "TR_people_email_key_insert" AFTER INSERT ON "people" WHEN NEW."email_key" IS NULL
             BEGIN UPDATE "people" SET "email_key" = lower(NEW."email") WHERE "id" = NEW."id"; END`,
            `CREATE TRIGGER "TR_people_email_key_update" AFTER UPDATE OF "email" ON "people"
             WHEN lower(NEW."email") IS NOT lower(OLD."email") AND NEW."email_key" IS OLD."email_key"
             BEGIN UPDATE "people" SET "email_key" = lower(NEW."email") WHERE "id" = NEW."id"; END`,
          ]),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = dialect(queryRunner);
    // The addresses stay in NFC: the old lower("email") index is recreated over them.
    await runAll(queryRunner, [
      ...(t.postgres
        ? [`DROP TRIGGER "TR_people_email_key" ON "people"`, `DROP FUNCTION "people_email_key"()`]
        : [`DROP TRIGGER "TR_people_email_key_insert"`, `DROP TRIGGER "TR_people_email_key_update"`]),
      `DROP INDEX "UQ_people_email_key"`,
      `ALTER TABLE "people" DROP COLUMN "email_key"`,
      `CREATE UNIQUE INDEX "UQ_people_email_ci" ON "people" (lower("email"))`,
    ]);
  }
}
