import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { ClearancePagesController } from './clearance-pages.controller';
import { ClearanceController } from './clearance.controller';
import { ClearanceService } from './clearance.service';

@Module({ imports: [CatalogModule], controllers: [ClearanceController, ClearancePagesController], providers: [ClearanceService], exports: [ClearanceService] })
export class ClearanceModule {}
