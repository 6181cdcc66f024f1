import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { WriteLock } from '../common/db/write-lock';

/** Global so the HTTP middleware and the job runner share one WriteLock (it guards SQLite's single connection). */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => dataSourceOptions(config),
    }),
  ],
  providers: [
    {
      provide: WriteLock,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new WriteLock(config.database.type === 'sqlite'),
    },
  ],
  exports: [WriteLock],
})
export class DatabaseModule {}
