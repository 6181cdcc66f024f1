import { Module } from '@nestjs/common';
import { JobsAdminApiController, JobsAdminPagesController } from './jobs-admin.controller';
import { JobsAdminService } from './jobs-admin.service';

/** The admin jobs page and API (the JobsModule itself stays free of HTTP, for the worker). */
@Module({ controllers: [JobsAdminApiController, JobsAdminPagesController], providers: [JobsAdminService] })
export class JobsAdminModule {}
