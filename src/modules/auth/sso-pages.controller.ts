import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../common/auth/decorators';
import { AppConfig } from '../../config/app-config';
import { AccountLinksService } from './account-links.service';
import { signInFrom, safeNext } from './auth.views';
import { cookieOptions } from './authenticate.middleware';
import { SESSION_COOKIE } from './csrf';
import { OidcLogin } from './oidc-login.service';
import { OIDC_FLOW_COOKIE, OIDC_FLOW_MS } from './oidc-flow';

/**
 * Signing in without a password: OpenID Connect single sign-on (`/login/oidc` and its callback) and an admin's
 * break-glass link from the command line (`/sign-in-link/:token`).
 */
@ApiExcludeController()
@Controller()
export class SsoPagesController {
  constructor(
    private readonly oidc: OidcLogin,
    private readonly links: AccountLinksService,
    private readonly config: AppConfig,
  ) {}

  @Public()
  @Get('login/oidc')
  async start(@Req() req: Request, @Res() res: Response, @Query('next') next?: string) {
    if (req.user) return res.redirect(303, safeNext(next));
    const started = await this.oidc.start(safeNext(next));
    if ('refusal' in started) return res.status(started.status).render('auth/sso-refused', started.refusal);
    res.cookie(OIDC_FLOW_COOKIE, started.cookie, this.flowCookie());
    return res.redirect(303, started.url);
  }

  // The provider's answer goes to openid-client whole (code, state, iss, and whatever else a provider adds, such as
  // Entra's session_state or Google's hd): the library validates it, so there is no DTO to strip it first.
  @Public()
  @Get('login/oidc/callback')
  async callback(@Req() req: Request, @Res() res: Response) {
    const cookies = (req.cookies ?? {}) as Record<string, string>;
    const search = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    res.clearCookie(OIDC_FLOW_COOKIE, this.flowCookie());
    const done = await this.oidc.finish(search, cookies[OIDC_FLOW_COOKIE], signInFrom(req));
    if ('refusal' in done) return res.status(done.status).render('auth/sso-refused', done.refusal);
    res.cookie(SESSION_COOKIE, done.token, cookieOptions(this.config));
    return res.redirect(303, done.next);
  }

  /** A confirm page, so a mail scanner or link preview opening the link does not spend it. */
  @Public()
  @Get('sign-in-link/:token')
  async signInLinkPage(@Param('token') token: string, @Res() res: Response) {
    const { person } = await this.links.findUsable(token, 'sign_in');
    return res.render('auth/sign-in-link', { title: 'Sign in as an admin', person: { name: person.displayName } });
  }

  @Public()
  @Post('sign-in-link/:token')
  async useSignInLink(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    const sessionToken = await this.links.useSignInLink(token, signInFrom(req));
    res.cookie(SESSION_COOKIE, sessionToken, cookieOptions(this.config));
    return res.redirect(303, '/');
  }

  /** Lax, so the provider's top-level redirect back brings it; scoped to the callback and gone in ten minutes. */
  private flowCookie() {
    return { ...cookieOptions(this.config), path: '/login/oidc', maxAge: OIDC_FLOW_MS };
  }
}
