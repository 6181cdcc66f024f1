import { CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { Role } from '../../common/auth/roles';
import { Person } from './person.entity';

/** One of a person's roles; a person may hold several (a Master Narcan Trainer is a peer and a trainer). */
@Entity('person_roles')
export class PersonRole {
  @PrimaryColumn({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  role!: Role;

  @ManyToOne(() => Person, (person) => person.roles, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'person_id' })
  person!: Relation<Person>;

  @CreateDateColumn({ name: 'granted_at', type: Date })
  grantedAt!: Date;
}
