import { Command, CommandRunner } from 'nest-commander';
import { AuditService } from '../modules/audit/audit.service';

@Command({
  name: 'audit:verify',
  description: 'recompute the audit log hash chain; names any edited, deleted or reordered entry (exit 1 when broken)',
})
export class AuditVerifyCommand extends CommandRunner {
  constructor(private readonly audit: AuditService) {
    super();
  }

  async run(): Promise<void> {
    const report = await this.audit.verify();
    if (report.ok) {
      console.log(`Audit log intact: ${report.checked} entries checked.`);
      return;
    }
    console.log(`Audit log BROKEN (${report.checked} entries checked):`);
    for (const problem of report.problems) console.log(`  - ${problem}`);
    process.exitCode = 1;
  }
}
