import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * What a page form answered, kept a short while for the person who posted it: the form redirects
 * (303) to a GET page that reads it back, so no page is ever the answer to a POST.
 */
@Entity('form_results')
export class FormResult {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  /** Which form it answers ("roster-import:<cohort id>", "date-of-service"): a result is only read back by its own page. */
  @Column({ type: 'varchar', length: 80 })
  kind!: string;

  /** The answer as JSON. */
  @Column({ type: 'text' })
  payload!: string;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;
}
