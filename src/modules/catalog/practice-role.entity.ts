import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { PracticeRoleRequirement } from './practice-role-requirement.entity';

/** Something a person does that needs credentials, e.g. Peer Support Specialist or Jail services. */
@Entity('practice_roles')
export class PracticeRole {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 40 })
  code!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** Where the role stands in the board's columns and every list of roles (lowest first; ties by name). */
  @Column({ name: 'sort_order', type: 'integer', default: 1000 })
  sortOrder!: number;

  @OneToMany(() => PracticeRoleRequirement, (r) => r.practiceRole)
  requirements!: PracticeRoleRequirement[];

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
