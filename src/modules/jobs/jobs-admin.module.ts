import { Module } from '@nestjs/common';
import { JobsAdminApiController, JobsAdminPagesController } from './jobs-admin.controller';
import { JobsAdminService } from './jobs-admin.service';
import { JobsAdminViews } from './jobs-admin.views';

/** The admin jobs page and API (the JobsModule itself stays free of HTTP, for the worker). */
@Module({
  controllers: [JobsAdminApiController, JobsAdminPagesController],
  providers: [JobsAdminService, JobsAdminViews],
})
export class JobsAdminModule {}
