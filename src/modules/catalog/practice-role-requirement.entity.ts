import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { CredentialType } from './credential-type.entity';
import { PracticeRole } from './practice-role.entity';

export const REQUIREMENT_KINDS = [
  'all_of',
  'any_of',
  'credential',
  'practice_role',
  'lived_experience',
  'active_supervision',
] as const;
export type RequirementKind = (typeof REQUIREMENT_KINDS)[number];
export const GROUP_KINDS: readonly RequirementKind[] = ['all_of', 'any_of'];

/**
 * One node of a practice role's rule tree. Groups (all_of / any_of) hold children; leaves name a
 * credential type, another practice role, lived experience or active supervision. Any node may
 * apply only from / until a date (e.g. the Montana doula licence from 2027-01-01), so clearance
 * on a past date uses the rules as they stood then.
 */
@Entity('practice_role_requirements')
export class PracticeRoleRequirement {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'practice_role_id', type: 'uuid' })
  practiceRoleId!: string;

  @ManyToOne(() => PracticeRole, (role) => role.requirements, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'practice_role_id' })
  practiceRole!: Relation<PracticeRole>;

  /** The version of the role's rule this node belongs to. */
  @Column({ name: 'rule_version_id', type: 'uuid' })
  ruleVersionId!: string;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId!: string | null;

  @Column({ type: 'integer', default: 0 })
  position!: number;

  @Column({ type: 'varchar', length: 20 })
  kind!: RequirementKind;

  @Column({ name: 'credential_type_id', type: 'uuid', nullable: true })
  credentialTypeId!: string | null;

  @ManyToOne(() => CredentialType)
  @JoinColumn({ name: 'credential_type_id' })
  credentialType!: CredentialType | null;

  @Column({ name: 'required_practice_role_id', type: 'uuid', nullable: true })
  requiredPracticeRoleId!: string | null;

  @ManyToOne(() => PracticeRole)
  @JoinColumn({ name: 'required_practice_role_id' })
  requiredPracticeRole!: PracticeRole | null;

  @Column({ name: 'applies_from', type: 'date', nullable: true })
  appliesFrom!: string | null;

  @Column({ name: 'applies_until', type: 'date', nullable: true })
  appliesUntil!: string | null;
}
