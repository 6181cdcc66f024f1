import { Body, Controller, Get, Param, Post, Query, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { submitForm } from '../../common/http/form-post';
import { validateForm } from '../../common/http/validation';
import { AppConfig } from '../../config/app-config';
import type { Actor } from '../../common/auth/actor';
import type { AccountLinkPurpose } from './account-link.entity';
import { AccountLinksService } from './account-links.service';
import { AuthService } from './auth.service';
import { loginModel, loginRefusal, passwordsOff, safeNext, signInFrom, signInOptions } from './auth.views';
import { OidcClient } from './oidc-client';
import type { AuthUser } from '../../common/auth/auth-user';
import { cookieOptions } from './authenticate.middleware';
import { SESSION_COOKIE } from './csrf';
import { CurrentUser, Public, RequestActor } from '../../common/auth/decorators';
import { PeopleService } from '../people/people.service';
import {
  ChangePasswordDto,
  confirmedPassword,
  ForgotPasswordDto,
  LoginDto,
  PrintedNameDto,
  SetPasswordDto,
  withoutUsername,
} from './dto/auth.dto';
import { SessionsService } from './sessions.service';

type FormBody = Record<string, unknown>;

const NOTICES: Record<string, string> = {
  'signed-out': 'You are signed out.',
  'signed-out-sso': 'You are signed out here.',
  'password-set': 'Your password is set. Sign in with it now.',
  'reset-sent': 'If an account uses that address, a link to choose a new password is on its way. It works for 2 hours.',
  'password-changed': 'Password changed. Your other sessions were signed out.',
  'others-signed-out': 'Every other session was signed out.',
  'name-saved': 'Saved. New certificates print this name; ask the program to re-issue one you already have.',
  'notifications-saved': 'Your notification choices are saved.',
};

/** Sign-in, sign-out, invitations, password resets and "my account". */
@ApiExcludeController()
@Controller()
export class AuthPagesController {
  constructor(
    private readonly auth: AuthService,
    private readonly links: AccountLinksService,
    private readonly sessions: SessionsService,
    private readonly config: AppConfig,
    private readonly people: PeopleService,
    private readonly oidc: OidcClient,
  ) {}

  @Public()
  @Get('login')
  loginForm(@Req() req: Request, @Res() res: Response, @Query('next') next?: string, @Query('notice') notice?: string) {
    if (req.user) return res.redirect(303, safeNext(next));
    return res.render('auth/login', {
      ...loginModel(safeNext(next), {}, signInOptions(this.config, this.oidc, safeNext(next))),
      notice: NOTICES[notice ?? ''],
      // After signing out of an SSO account, the provider's own sign-out is offered too (when it has one).
      providerSignOut: notice === 'signed-out-sso' ? this.oidc.endSessionUrl() : null,
    });
  }

  @Public()
  @Post('login')
  async login(@Body() body: FormBody, @Req() req: Request, @Res() res: Response) {
    const next = safeNext(body.next);
    const options = signInOptions(this.config, this.oidc, next);
    const { value, errors } = await validateForm(LoginDto, body);
    if (!value) return res.status(400).render('auth/login', loginModel(next, body, { ...options, errors }));
    try {
      const { token } = await this.auth.login(value.email, value.password, ...signInFrom(req));
      res.cookie(SESSION_COOKIE, token, cookieOptions(this.config));
      return res.redirect(303, next);
    } catch (e) {
      const { status, failure } = loginRefusal(e);
      return res.status(status).render('auth/login', loginModel(next, body, { ...options, failure }));
    }
  }

  @Post('logout')
  async logout(@CurrentUser() user: AuthUser, @RequestActor() actor: Actor, @Res() res: Response) {
    const { sso } = await this.auth.logout(user, actor);
    res.clearCookie(SESSION_COOKIE, cookieOptions(this.config));
    return res.redirect(303, sso ? '/login?notice=signed-out-sso' : '/login?notice=signed-out');
  }

  @Public()
  @Get('invitation/:token')
  async invitationForm(@Param('token') token: string, @Res() res: Response) {
    return this.passwordForm(res, token, 'invitation');
  }

  @Public()
  @Post('invitation/:token')
  async acceptInvitation(
    @Param('token') token: string,
    @Body() body: FormBody,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.setPassword(res, req, token, 'invitation', body);
  }

  @Public()
  @Get('forgot-password')
  @Render('auth/forgot-password')
  forgotForm() {
    return { title: 'Forgot your password?', values: {}, passwordsOff: passwordsOff(this.config) };
  }

  @Public()
  @Post('forgot-password')
  async forgot(@Body() body: FormBody, @Req() req: Request, @Res() res: Response) {
    const { value, errors } = await validateForm(ForgotPasswordDto, body);
    if (!value)
      return res.status(400).render('auth/forgot-password', { title: 'Forgot your password?', values: body, errors });
    await this.links.requestReset(value.email, req.ip ?? null);
    return res.redirect(303, '/login?notice=reset-sent');
  }

  @Public()
  @Get('reset-password/:token')
  async resetForm(@Param('token') token: string, @Res() res: Response) {
    return this.passwordForm(res, token, 'password_reset');
  }

  @Public()
  @Post('reset-password/:token')
  async reset(@Param('token') token: string, @Body() body: FormBody, @Req() req: Request, @Res() res: Response) {
    return this.setPassword(res, req, token, 'password_reset', body);
  }

  @Get('account')
  async account(@CurrentUser() user: AuthUser, @Query('notice') notice: string | undefined, @Res() res: Response) {
    return res.render('auth/account', await this.accountModel(user, { notice: NOTICES[notice ?? ''] }));
  }

  @Post('account/password')
  async changePassword(
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Body() body: FormBody,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: ChangePasswordDto,
      body: withoutUsername(body),
      run: (value) => this.auth.changePassword(user, value.current, confirmedPassword(value), actor),
      done: () => '/account?notice=password-changed',
      view: 'auth/account',
      model: (errors) => this.accountModel(user, { errors }),
    });
  }

  /** The name a person wants on their certificates (and in lists): theirs to choose, audited like any change. */
  @Post('account/printed-name')
  async printedName(
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Body() body: FormBody,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: PrintedNameDto,
      body,
      // Left out, the name stays as it is; sent empty, it is cleared (the form says so).
      run: (value) => this.people.update(user.id, { preferredName: value.preferredName }, actor),
      done: () => '/account?notice=name-saved',
      view: 'auth/account',
      model: (nameErrors) => this.accountModel(user, { nameErrors, nameValues: body }),
    });
  }

  @Post('account/sessions/sign-out-others')
  async signOutOthers(@CurrentUser() user: AuthUser, @RequestActor() actor: Actor, @Res() res: Response) {
    await this.auth.signOutOthers(user, actor);
    return res.redirect(303, '/account?notice=others-signed-out');
  }

  private async accountModel(user: AuthUser, extra: object) {
    const sessions = (await this.sessions.listActive(user.id)).map((s) => ({
      current: s.id === user.sessionId,
      since: s.createdAt,
      lastSeen: s.lastSeenAt,
      ip: s.ip,
      userAgent: s.userAgent,
    }));
    const person = await this.people.get(user.id);
    return {
      title: 'My account',
      me: user,
      printed: { name: person.name, preferredName: person.preferredName },
      nameValues: { preferredName: person.preferredName ?? '' },
      sessions,
      othersCount: sessions.filter((s) => !s.current).length,
      passwords: this.config.signIn.passwords,
      ...extra,
    };
  }

  private async passwordForm(res: Response, token: string, purpose: AccountLinkPurpose) {
    // Without passwords an invitation is still welcome: the sign-in page has the way in.
    if (purpose === 'invitation' && !this.config.signIn.passwords) return res.redirect(303, '/login');
    this.links.refuseWithoutPasswords();
    const { person } = await this.links.findUsable(token, purpose);
    return res.render('auth/set-password', {
      title: purpose === 'invitation' ? 'Welcome: choose your password' : 'Choose a new password',
      person: { name: person.displayName, email: person.email },
    });
  }

  private async setPassword(res: Response, req: Request, token: string, purpose: AccountLinkPurpose, body: FormBody) {
    const { value, errors } = await validateForm(SetPasswordDto, body);
    const problems =
      errors ?? (value && value.password !== value.confirm ? { confirm: 'does not match the password' } : null);
    if (!value || problems) {
      const { person } = await this.links.findUsable(token, purpose);
      return res.status(400).render('auth/set-password', {
        title: 'Choose your password',
        person: { name: person.displayName, email: person.email },
        errors: problems,
      });
    }
    const { sessionToken } = await this.links.usePasswordLink(token, purpose, value.password, signInFrom(req));
    if (!sessionToken) return res.redirect(303, '/login?notice=password-set');
    // The same cookie a password sign-in sets; the CSRF seed the form was posted with carries on, as after a sign-in.
    res.cookie(SESSION_COOKIE, sessionToken, cookieOptions(this.config));
    return res.redirect(303, '/?notice=welcome');
  }
}
