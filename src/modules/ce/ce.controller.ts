import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor, Roles } from '../../common/auth/decorators';
import { CeService } from './ce.service';
import { ReviewCeDto, SubmitCeDto } from './dto/ce.dto';

@ApiTags('continuing education')
@ApiBearerAuth()
@Controller()
export class CeController {
  constructor(private readonly ce: CeService) {}

  @Get('api/v1/people/:id/ce')
  @ApiOperation({ summary: "A person's CE entries and readiness to renew each credential that asks for CE hours" })
  overview(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser) {
    return this.ce.overview(id, user);
  }

  @Post('api/v1/people/:id/ce')
  @ApiOperation({
    summary: 'Submit a CE entry (your own, or for someone as an admin); it counts once confirmed',
  })
  submit(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: SubmitCeDto,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return this.ce.submit(id, dto, user, actor);
  }

  @Post('api/v1/ce/:entryId/review')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Confirm or reject a submitted CE entry' })
  review(
    @Param('entryId', new ParseUUIDPipe()) entryId: string,
    @Body() dto: ReviewCeDto,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return this.ce.review(entryId, dto, user, actor);
  }
}
