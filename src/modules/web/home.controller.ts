import { Controller, Get, Query, Redirect, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, Public } from '../../common/auth/decorators';
import { HomeViews } from './home.views';

@ApiExcludeController()
@Controller()
export class HomeController {
  constructor(private readonly views: HomeViews) {}

  /**
   * Public on purpose: a signed-out visitor (someone holding a certificate to check, or a person on their way in)
   * gets a small page that names the program and offers verify and sign-in; a signed-in one gets what needs
   * attention now, in their scope (see HomeViews.home).
   */
  @Public()
  @Get()
  async home(
    @CurrentUser() user: AuthUser | undefined,
    @Query('notice') notice: string | undefined,
    @Res() res: Response,
  ) {
    if (!user) return res.render('public-home', this.views.publicHome());
    return res.render('home', { ...(await this.views.home(user)), notice: this.views.notice(notice, user) });
  }

  /** A stable address for "my own record", whoever is signed in. */
  @Get('my/credentials')
  @Redirect()
  mine(@CurrentUser() user: AuthUser) {
    return { url: `/people/${user.id}`, statusCode: 302 };
  }
}
