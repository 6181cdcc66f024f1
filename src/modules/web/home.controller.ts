import { Controller, Get, Redirect, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser } from '../../common/auth/decorators';
import { HomeViews } from './home.views';

@ApiExcludeController()
@Controller()
export class HomeController {
  constructor(private readonly views: HomeViews) {}

  /** What needs attention now, in the viewer's scope (see HomeViews.home). */
  @Get()
  @Render('home')
  home(@CurrentUser() user: AuthUser) {
    return this.views.home(user);
  }

  /** A stable address for "my own record", whoever is signed in. */
  @Get('my/credentials')
  @Redirect()
  mine(@CurrentUser() user: AuthUser) {
    return { url: `/people/${user.id}`, statusCode: 302 };
  }
}
