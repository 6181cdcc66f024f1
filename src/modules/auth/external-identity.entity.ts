import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Kinds of identity provider a person can be linked to; SAML is meant to join OpenID Connect here. */
export type ExternalProvider = 'oidc';

/**
 * A person's account at an identity provider: the provider's subject (`sub`) is what finds them on every
 * sign-in after the first, so a changed e-mail at the provider still reaches the same person.
 */
@Entity('external_identities')
export class ExternalIdentity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @Column({ type: 'varchar', length: 10 })
  provider!: ExternalProvider;

  @Column({ type: 'varchar', length: 500 })
  issuer!: string;

  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  /** The verified e-mail the provider last gave: shown to admins, never used to find the person again. */
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'last_sign_in_at', type: Date, nullable: true })
  lastSignInAt!: Date | null;
}
