import { Command, CommandRunner } from 'nest-commander';
import { DataSource } from 'typeorm';

@Command({ name: 'migrate:revert', description: 'undo the most recent migration' })
export class MigrateRevertCommand extends CommandRunner {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async run(): Promise<void> {
    await this.dataSource.undoLastMigration({ transaction: 'each' });
    console.log('Reverted the most recent migration.');
  }
}
