import { Module } from '@nestjs/common';
import { CeController } from './ce.controller';
import { CeService } from './ce.service';

@Module({ controllers: [CeController], providers: [CeService], exports: [CeService] })
export class CeModule {}
