import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Person } from './person.entity';

/**
 * An admin's record THAT a person's lived experience was verified: by whom, on what date and where
 * the evidence is kept (e.g. "HR file"). It deliberately has no field for a diagnosis, treatment
 * history or recovery narrative: that is health information (HIPAA, 42 CFR Part 2, the ADA's
 * separate-medical-file rule) and no decision here needs it. A withdrawal is recorded, not deleted,
 * so clearance on past dates stays answerable.
 */
@Entity('lived_experience_attestations')
export class LivedExperienceAttestation {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @ManyToOne(() => Person, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'person_id' })
  person!: Person;

  @Column({ name: 'verified_by_id', type: 'uuid' })
  verifiedById!: string;

  @ManyToOne(() => Person)
  @JoinColumn({ name: 'verified_by_id' })
  verifiedBy!: Person;

  @Column({ name: 'verified_on', type: 'date' })
  verifiedOn!: string;

  @Column({ name: 'evidence_location', type: 'varchar', length: 120 })
  evidenceLocation!: string;

  @Column({ name: 'withdrawn_on', type: 'date', nullable: true })
  withdrawnOn!: string | null;

  @Column({ name: 'withdrawn_by_id', type: 'uuid', nullable: true })
  withdrawnById!: string | null;

  @CreateDateColumn({ name: 'recorded_at', type: Date })
  recordedAt!: Date;
}
