import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor';
import { RequestActor, Roles } from '../../common/auth/decorators';
import { CatalogService } from './catalog.service';
import { credentialTypeView, practiceRoleView } from './catalog.views';
import { CreateCredentialTypeDto, UpdateCredentialTypeDto } from './dto/credential-type.dto';
import { CreatePracticeRoleDto, MovePracticeRoleDto, ReplaceRuleDto } from './dto/practice-role.dto';
import { PracticeRoleOrderService } from './practice-role-order.service';

@ApiTags('catalogue')
@ApiBearerAuth()
@Controller('api/v1')
export class CatalogController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly order: PracticeRoleOrderService,
  ) {}

  @Get('credential-types')
  @ApiOperation({ summary: 'The credential catalogue' })
  @ApiQuery({ name: 'includeInactive', required: false, type: Boolean })
  async listTypes(@Query('includeInactive') includeInactive?: string) {
    const types = await this.catalog.listCredentialTypes({ includeInactive: includeInactive === 'true' });
    return types.map(credentialTypeView);
  }

  @Get('credential-types/:id')
  async getType(@Param('id', new ParseUUIDPipe()) id: string) {
    return credentialTypeView(await this.catalog.getCredentialType(id));
  }

  @Post('credential-types')
  @Roles('admin')
  @ApiOperation({ summary: 'Add a credential type' })
  async createType(@Body() dto: CreateCredentialTypeDto, @RequestActor() actor: Actor) {
    return credentialTypeView(await this.catalog.createCredentialType(dto, actor));
  }

  @Patch('credential-types/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a credential type (deactivate with active: false; types are never deleted)' })
  async updateType(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: UpdateCredentialTypeDto,
    @RequestActor() actor: Actor,
  ) {
    return credentialTypeView(await this.catalog.updateCredentialType(id, dto, actor));
  }

  @Get('practice-roles')
  @ApiOperation({ summary: 'Practice roles with their requirement rules' })
  async listRoles() {
    return (await this.catalog.listPracticeRoles()).map(practiceRoleView);
  }

  @Get('practice-roles/:id')
  async getRole(@Param('id', new ParseUUIDPipe()) id: string) {
    return practiceRoleView(await this.catalog.getPracticeRole(id));
  }

  @Post('practice-roles')
  @Roles('admin')
  @ApiOperation({ summary: 'Add a practice role with its rule' })
  async createRole(@Body() dto: CreatePracticeRoleDto, @RequestActor() actor: Actor) {
    const role = await this.catalog.createPracticeRole(dto, actor);
    return practiceRoleView(await this.catalog.getPracticeRole(role.id));
  }

  @Put('practice-roles/:id/rule')
  @Roles('admin')
  @ApiOperation({
    summary:
      "Change a practice role's requirement rule from a date (today by default): a new version; the old one is kept for earlier dates",
  })
  async replaceRule(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: ReplaceRuleDto,
    @RequestActor() actor: Actor,
  ) {
    return practiceRoleView(
      await this.catalog.replaceRule(id, dto.rule, actor, { effectiveFrom: dto.effectiveFrom, note: dto.note }),
    );
  }

  @Post('practice-roles/:id/position')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Move a practice role one place up or down the order the board and reports show roles in' })
  move(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: MovePracticeRoleDto, @RequestActor() actor: Actor) {
    return this.order.move(id, dto.direction, actor);
  }
}
