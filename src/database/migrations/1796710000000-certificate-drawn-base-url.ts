import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The address a certificate's QR code and printed verify link were drawn with (issue 19): a PDF
 * never changes, so one drawn while PUBLIC_BASE_URL was unset points at localhost for good, and
 * only a redraw fixes it. Rows drawn before this column existed keep null: the address is unknown.
 */
export class CertificateDrawnBaseUrl1796710000000 implements MigrationInterface {
  name = 'CertificateDrawnBaseUrl1796710000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "certificates" ADD COLUMN "drawn_base_url" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "certificates" DROP COLUMN "drawn_base_url"`);
  }
}
