import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { dateInZone } from '../../common/dates';
import { AppConfig } from '../../config/app-config';
import { RecordAttestationDto } from './dto/attestation.dto';
import { CreatePersonDto, ListPeopleQuery, UpdatePersonDto } from './dto/person.dto';
import { PeopleService } from './people.service';
import { personRecordView, personView } from './people.views';

@ApiTags('people')
@Controller('api/v1/people')
export class PeopleController {
  constructor(
    private readonly people: PeopleService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List people, filtered by name/e-mail, role and status' })
  async list(@Query() query: ListPeopleQuery) {
    const page = await this.people.list(query);
    return { ...page, items: page.items.map(personView) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One person with their lived-experience attestations and credentials' })
  async get(@Param('id', new ParseUUIDPipe()) id: string) {
    return personRecordView(await this.people.getRecord(id), dateInZone(new Date(), this.config.timeZone));
  }

  @Post()
  @ApiOperation({ summary: 'Add a person' })
  async create(@Body() dto: CreatePersonDto) {
    return personView(await this.people.create(dto));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a person (only the fields sent)' })
  async update(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: UpdatePersonDto) {
    return personView(await this.people.update(id, dto));
  }

  @Post(':id/lived-experience')
  @ApiOperation({ summary: 'Record that lived experience was verified (never what it was)' })
  async attest(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: RecordAttestationDto) {
    const a = await this.people.recordAttestation(id, dto);
    return { id: a.id, personId: a.personId, verifiedById: a.verifiedById, verifiedOn: a.verifiedOn, evidenceLocation: a.evidenceLocation };
  }
}
