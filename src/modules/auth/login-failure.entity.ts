import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One failed sign-in, counted per account and per address to slow down guessing. */
@Entity('login_failures')
export class LoginFailure {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'email_key', type: 'varchar', length: 254 })
  emailKey!: string;

  @Column({ type: 'varchar', length: 64 })
  ip!: string;

  @Column({ type: Date })
  at!: Date;
}
