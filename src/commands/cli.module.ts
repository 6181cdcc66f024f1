import { DynamicModule, Module } from '@nestjs/common';
import { AppModule } from '../app.module';
import type { AppConfig } from '../config/app-config';
import { AuditModule } from '../modules/audit/audit.module';
import { AuthModule } from '../modules/auth/auth.module';
import { BackupModule } from '../modules/backup/backup.module';
import { CertificatesModule } from '../modules/certificates/certificates.module';
import { ExpiryModule } from '../modules/expiry/expiry.module';
import { PeopleModule } from '../modules/people/people.module';
import { AuditVerifyCommand } from './audit-verify.command';
import { BackupCommand } from './backup.command';
import { FilesSweepCommand } from './files-sweep.command';
import { RestoreCommand } from './restore.command';
import { CertificatesIssueMissingCommand } from './certificates-issue-missing.command';
import { CommandLine } from './command-line';
import { CreateAdminCommand } from './create-admin.command';
import { JobsRunCommand } from './jobs-run.command';
import { MigrateRevertCommand } from './migrate-revert.command';
import { MigrateCommand } from './migrate.command';
import { RotateSigningKeyCommand } from './rotate-signing-key.command';
import { SeedCatalogCommand } from './seed-catalog.command';
import { SeedDemoCommand } from './seed-demo.command';
import { SignInLinkCommand } from './sign-in-link.command';

/**
 * Every command of `npm run cli`, in the order `--help` lists them. A command is one class in this folder
 * (`@Command` with its `@Option`s and `run`), added here.
 */
const COMMANDS = [
  MigrateCommand,
  MigrateRevertCommand,
  SeedCatalogCommand,
  SeedDemoCommand,
  CreateAdminCommand,
  SignInLinkCommand,
  JobsRunCommand,
  CertificatesIssueMissingCommand,
  AuditVerifyCommand,
  RotateSigningKeyCommand,
  BackupCommand,
  RestoreCommand,
  FilesSweepCommand,
];

@Module({})
export class CliModule {
  /** The whole application, plus the modules whose services the commands use (importing them again shares them). */
  static register(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        AppModule.register(config),
        AuditModule,
        AuthModule,
        BackupModule,
        CertificatesModule,
        ExpiryModule,
        PeopleModule,
      ],
      providers: [CommandLine, ...COMMANDS],
    };
  }
}
