import { Module } from '@nestjs/common';
import { CePagesController } from './ce-pages.controller';
import { CeController } from './ce.controller';
import { CeService } from './ce.service';
import { CeViews } from './ce.views';

@Module({ controllers: [CeController, CePagesController], providers: [CeService, CeViews], exports: [CeService] })
export class CeModule {}
