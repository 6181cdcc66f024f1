import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { AuditViews } from './audit.views';

/** Global: every feature that changes data records it here. */
@Global()
@Module({ controllers: [AuditController], providers: [AuditService, AuditViews], exports: [AuditService] })
export class AuditModule {}
