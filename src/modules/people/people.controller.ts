import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor, Roles } from '../../common/auth/decorators';
import { AppConfig } from '../../config/app-config';
import { RecordAttestationDto } from './dto/attestation.dto';
import { CreatePersonDto, ListPeopleQuery, UpdatePersonDto } from './dto/person.dto';
import { PeopleService } from './people.service';
import { personView } from './people.views';

@ApiTags('people')
@ApiBearerAuth()
@Controller('api/v1/people')
export class PeopleController {
  constructor(
    private readonly people: PeopleService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  // Not trainers: the people a trainer works with are on their cohorts' rosters, not in anyone's record scope.
  @Roles('supervisor', 'admin')
  @ApiOperation({ summary: 'List the people you may see, filtered by name/e-mail, role and status' })
  async list(@Query() query: ListPeopleQuery, @CurrentUser() user: AuthUser) {
    const page = await this.people.list(query, user);
    return { ...page, items: page.items.map(personView) };
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Add a person' })
  async create(@Body() dto: CreatePersonDto, @RequestActor() actor: Actor) {
    return personView(await this.people.create(dto, actor));
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a person (only the fields sent); deactivating ends their sessions' })
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: UpdatePersonDto,
    @RequestActor() actor: Actor,
  ) {
    return personView(await this.people.update(id, dto, actor));
  }

  @Post(':id/lived-experience')
  @Roles('admin')
  @ApiOperation({ summary: 'Record that lived experience was verified (never what it was)' })
  async attest(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: RecordAttestationDto,
    @RequestActor() actor: Actor,
  ) {
    const a = await this.people.recordAttestation(id, dto, actor);
    return {
      id: a.id,
      personId: a.personId,
      verifiedById: a.verifiedById,
      verifiedOn: a.verifiedOn,
      evidenceLocation: a.evidenceLocation,
    };
  }
}
