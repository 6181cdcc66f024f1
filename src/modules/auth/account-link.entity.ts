import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** `sign_in`: an admin's break-glass link from the command line, which signs in without a password. */
export type AccountLinkPurpose = 'invitation' | 'password_reset' | 'sign_in';

/** A single-use, expiring link: an invitation or a reset to set a password, or an admin's CLI sign-in link. Only a hash of its token is kept. */
@Entity('account_links')
export class AccountLink {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @Column({ type: 'varchar', length: 20 })
  purpose!: AccountLinkPurpose;

  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'created_by_id', type: 'uuid', nullable: true })
  createdById!: string | null;

  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: Date, nullable: true })
  usedAt!: Date | null;
}
