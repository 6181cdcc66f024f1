import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, Roles } from '../../common/auth/decorators';
import { BoardQuery } from './dto/board.query';
import { ClearanceViews } from './clearance.views';

@ApiExcludeController()
@Controller()
export class ClearancePagesController {
  constructor(private readonly views: ClearanceViews) {}

  /** One person's clearance for every practice role, each explained requirement by requirement. */
  @Get('people/:id/clearance')
  async person(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: AuthUser,
    @Query('date') date: string | undefined,
    @Res() res: Response,
  ) {
    return res.render('clearance/person', await this.views.person(id, user, date));
  }

  /** Who may practise what, for every peer the viewer may see; filters by role and by clearance ending soon. */
  @Get('clearance')
  @Roles('supervisor', 'admin')
  async board(@CurrentUser() user: AuthUser, @Query() query: BoardQuery, @Res() res: Response) {
    return res.render('clearance/board', await this.views.board(user, query));
  }

  @Get('clearance.csv')
  @Roles('supervisor', 'admin')
  async csv(@CurrentUser() user: AuthUser, @Query() query: BoardQuery, @Res() res: Response) {
    const { fileName, body } = await this.views.boardCsv(user, query);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
    res.send(body);
  }
}
