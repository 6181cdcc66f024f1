import { Logger } from '@nestjs/common';

// Start-up announcements (migrations, seeds) would bury test output; warnings and errors still show.
Logger.overrideLogger(['error', 'warn', 'fatal']);
