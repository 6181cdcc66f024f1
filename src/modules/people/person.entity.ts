import {
  BeforeInsert,
  BeforeUpdate,
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { emailKey, normalizeEmail } from './email-key';
import { PersonRole } from './person-role.entity';

export const PERSON_STATUSES = ['active', 'inactive'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];

@Entity('people')
export class Person {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** The name the person goes by; printed on certificates and shown in lists when set. */
  @Column({ name: 'preferred_name', type: 'varchar', length: 200, nullable: true })
  preferredName!: string | null;

  /** As the person typed it, in Unicode NFC; unique through `emailKey`. */
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  /** The address as compared: NFC and lower-cased (see email-key.ts), with a unique index. */
  @Column({ name: 'email_key', type: 'varchar', length: 320 })
  emailKey!: string;

  /** The program's own id for the person (an HR number), matched first when a spreadsheet is imported. */
  @Column({ name: 'external_id', type: 'varchar', length: 64, nullable: true })
  externalId!: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  phone!: string | null;

  @Column({ type: 'varchar', length: 10, default: 'active' })
  status!: PersonStatus;

  /** argon2id; null until the person accepts their invitation. Never selected unless asked for. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true, select: false })
  passwordHash!: string | null;

  @Column({ name: 'password_changed_at', type: Date, nullable: true })
  passwordChangedAt!: Date | null;

  @OneToMany(() => PersonRole, (role) => role.person, { cascade: true })
  roles!: PersonRole[];

  /** Part of the secret calendar-feed address; bumping it retires the old address. */
  @Column({ name: 'calendar_feed_version', type: 'integer', default: 1, select: false })
  calendarFeedVersion!: number;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: Date })
  updatedAt!: Date;

  /** Every write of a loaded or created person keeps the address in NFC and its key in step. */
  @BeforeInsert()
  @BeforeUpdate()
  keyEmail(): void {
    if (typeof this.email !== 'string') return;
    this.email = normalizeEmail(this.email);
    this.emailKey = emailKey(this.email);
  }

  get displayName(): string {
    return this.preferredName || this.name;
  }
}
