import { Module } from '@nestjs/common';
import { CatalogPagesController } from './catalog-pages.controller';
import { CatalogController } from './catalog.controller';
import { CatalogService } from './catalog.service';
import { CatalogViews } from './catalog.views';
import { PracticeRoleOrderService } from './practice-role-order.service';

@Module({
  controllers: [CatalogController, CatalogPagesController],
  providers: [CatalogService, CatalogViews, PracticeRoleOrderService],
  exports: [CatalogService],
})
export class CatalogModule {}
