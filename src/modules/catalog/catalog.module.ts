import { Module } from '@nestjs/common';
import { CatalogPagesController } from './catalog-pages.controller';
import { CatalogController } from './catalog.controller';
import { CatalogService } from './catalog.service';

@Module({
  controllers: [CatalogController, CatalogPagesController],
  providers: [CatalogService],
  exports: [CatalogService],
})
export class CatalogModule {}
