import { Module, type OnModuleInit } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../../config/app-config';
import { RateLimitStore } from '../auth/rate-limit-store';
import { CredentialHooks } from '../credentials/credential-hooks';
import { CredentialsModule } from '../credentials/credentials.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { CertificateReadyMail } from './certificate-ready-mail';
import { CertificateAddresses } from './certificate-addresses.service';
import { CertificateFileSweep } from './certificate-file-sweep';
import { CertificateRenderer } from './certificate-renderer';
import { PooledCertificateRenderer } from './pooled-certificate-renderer';
import { CertificateRevocation } from './certificate-revocation.service';
import { CertificateSettings, SIGNATURE_STORAGE } from './certificate-settings.service';
import { CertificateSettingsPagesController } from './certificate-settings-pages.controller';
import { LocalEvidenceStorage } from '../submissions/evidence/evidence-storage';
import { CertificateStorage, LocalCertificateStorage } from './certificate-storage';
import { CertificateTemplates } from './certificate-templates';
import { CertificatesPagesController } from './certificates-pages.controller';
import { CertificatesController } from './certificates.controller';
import { CertificateReads } from './certificate-reads.service';
import { CertificateVerification } from './certificate-verification.service';
import { CertificatesRepository } from './certificates.repository';
import { CertificatesService } from './certificates.service';
import { CertificatesViews } from './certificates.views';
import { JobCertificateRequests } from './job-certificate-requests';
import { SigningKeys } from './signing-key';
import { VerifyController } from './verify.controller';
import { VerifyThrottlerGuard } from './verify-throttler.guard';

@Module({
  imports: [
    CredentialsModule,
    NotificationsModule,
    // Public lookups only (verify pages, the status list, the key): per address; one counter for code lookups.
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, RateLimitStore],
      useFactory: (config: AppConfig, storage: RateLimitStore) => ({
        throttlers: [{ name: 'verify', ttl: 60_000, limit: config.certificates.verifyRateLimit }],
        storage,
      }),
    }),
  ],
  controllers: [
    VerifyController,
    CertificatesController,
    CertificatesPagesController,
    CertificateSettingsPagesController,
  ],
  providers: [
    CertificatesRepository,
    CertificatesService,
    CertificateRevocation,
    CertificateSettings,
    CertificateReadyMail,
    {
      provide: SIGNATURE_STORAGE,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new LocalEvidenceStorage(config.dataDir, 'signatures'),
    },
    CertificateAddresses,
    CertificateFileSweep,
    CertificateReads,
    CertificateVerification,
    CertificatesViews,
    JobCertificateRequests,
    VerifyThrottlerGuard,
    { provide: CertificateRenderer, useClass: PooledCertificateRenderer },
    {
      provide: CertificateStorage,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new LocalCertificateStorage(config.certificates.storageDir),
    },
    {
      provide: CertificateTemplates,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new CertificateTemplates(config.certificates.templatesDir),
    },
    {
      provide: SigningKeys,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        SigningKeys.open({ ...config.certificates.signingKeys, baseUrl: config.publicBaseUrl }),
    },
  ],
  exports: [
    CertificateAddresses,
    CertificatesService,
    CertificateReads,
    CertificateFileSweep,
    JobCertificateRequests,
    SigningKeys,
  ],
})
export class CertificatesModule implements OnModuleInit {
  constructor(
    private readonly hooks: CredentialHooks,
    private readonly certificates: CertificatesService,
    private readonly revocation: CertificateRevocation,
  ) {}

  onModuleInit(): void {
    this.hooks.onRevoked((tx, credential, actor) => this.certificates.onCredentialRevoked(tx, credential, actor));
    this.hooks.onDescribeDependents((credentialId) => this.revocation.dependents(credentialId));
  }
}
