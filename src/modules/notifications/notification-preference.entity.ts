import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A person's choice about e-mail; no row means the defaults (reminder e-mail on). In-app is always on. */
@Entity('notification_preferences')
export class NotificationPreference {
  @PrimaryColumn({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @Column({ name: 'email_reminders', type: 'boolean', default: true })
  emailReminders!: boolean;

  @UpdateDateColumn({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
