import { Global, Module } from '@nestjs/common';
import { AuditAnchors } from './audit-anchors';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { AuditSubjects } from './audit-subjects';
import { AuditViews } from './audit.views';

/** Global: every feature that changes data records it here. */
@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditService, AuditAnchors, AuditSubjects, AuditViews],
  exports: [AuditService, AuditAnchors],
})
export class AuditModule {}
