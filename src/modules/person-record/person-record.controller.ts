import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser } from '../../common/auth/decorators';
import { AppConfig } from '../../config/app-config';
import { PersonRecordService } from './person-record.service';
import { personRecordView } from './person-record.views';

@ApiTags('people')
@ApiBearerAuth()
@Controller('api/v1/people')
export class PersonRecordController {
  constructor(
    private readonly records: PersonRecordService,
    private readonly config: AppConfig,
  ) {}

  @Get(':id')
  @ApiOperation({
    summary: 'One person you may see (404 otherwise), with their lived-experience attestations and credentials',
  })
  async get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser) {
    return personRecordView(await this.records.getRecord(id, user), this.config.today());
  }
}
