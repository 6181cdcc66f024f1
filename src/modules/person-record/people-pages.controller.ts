import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { submitForm } from '../../common/http/form-post';
import { validateForm } from '../../common/http/validation';
import { AppConfig } from '../../config/app-config';
import type { Actor } from '../../common/auth/actor';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor, Roles } from '../../common/auth/decorators';
import { RecordAttestationDto } from '../people/dto/attestation.dto';
import { CreatePersonPageDto, EditPersonPageDto, ListPeopleQuery, UpdatePersonDto } from '../people/dto/person.dto';
import { PeopleService } from '../people/people.service';
import { personView } from '../people/people.views';
import { PersonRecordService } from './person-record.service';
import { peopleListView, personRecordView, statusHistoryView } from './person-record.views';
import { nextSteps } from './next-steps';
import { CeService } from '../ce/ce.service';
import { CertificateReads } from '../certificates/certificate-reads.service';
import { ROLES } from '../../common/auth/roles';
import { STATUS_REASONS } from '../people/person-status-period.entity';
import { PracticeAssignmentsService } from '../practice-assignments/practice-assignments.service';
import { practiceRolesView } from './practice-roles.views';
import { ExternalIdentitiesRepository } from '../auth/external-identities.repository';

type FormBody = Record<string, unknown>;

const NOTICES: Record<string, string> = {
  created: 'Person added.',
  'created-invited': 'Person added, and their invitation e-mailed: it works for 7 days.',
  'created-invite-failed':
    'Person added, but their invitation could not be e-mailed. Send it again from "Sign-in and access".',
  saved: 'Changes saved.',
  attested: 'Lived-experience verification recorded.',
  'credential-recorded': 'Credential recorded.',
  'credential-revoked': 'Credential revoked.',
  'credential-verified': 'Primary-source check recorded.',
  'credential-expiry': 'Expiry date changed.',
  'credential-suspended': 'Suspension recorded.',
  'practice-role-assigned': 'Practice role assigned.',
  'practice-role-ended': 'Practice role ended.',
};

@ApiExcludeController()
@Controller('people')
export class PeoplePagesController {
  constructor(
    private readonly people: PeopleService,
    private readonly records: PersonRecordService,
    private readonly config: AppConfig,
    private readonly ce: CeService,
    private readonly certificates: CertificateReads,
    private readonly assignments: PracticeAssignmentsService,
    private readonly identities: ExternalIdentitiesRepository,
  ) {}

  @Get()
  // Not trainers: the people a trainer works with are on their cohorts' rosters, not in anyone's record scope.
  @Roles('supervisor', 'admin')
  @Render('people/list')
  async list(@Query() raw: FormBody, @CurrentUser() user: AuthUser) {
    const { value: query, errors } = await validateForm(ListPeopleQuery, raw);
    const q = query ?? {};
    const page = await this.people.list(q, user);
    return { title: 'People', ...peopleListView(page, q), errors, roles: ROLES, canEdit: hasRole(user, 'admin') };
  }

  @Get('new')
  @Roles('admin')
  @Render('people/form')
  newForm() {
    return this.formModel('Add a person', '/people', '/people', {
      status: 'active',
      roles: ['peer'],
      sendInvitation: 'true',
    });
  }

  @Post()
  @Roles('admin')
  async create(@Body() body: FormBody, @RequestActor() actor: Actor, @Res() res: Response) {
    return submitForm(res, {
      dto: CreatePersonPageDto,
      body,
      run: (value) => this.records.addPerson(value, actor),
      done: ({ person, invitation }) =>
        `/people/${person.id}?notice=${{ sent: 'created-invited', failed: 'created-invite-failed', 'not asked': 'created' }[invitation]}`,
      view: 'people/form',
      model: (errors) => this.formModel('Add a person', '/people', '/people', body, errors),
    });
  }

  @Get(':id')
  async show(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('notice') notice: string | undefined,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    return res.render('people/show', await this.showModel(id, user, { notice: NOTICES[notice ?? ''] }));
  }

  @Get(':id/edit')
  @Roles('admin')
  @Render('people/form')
  async editForm(@Param('id', new ParseUUIDPipe()) id: string) {
    const person = personView(await this.people.get(id));
    return this.formModel(`Edit ${person.displayName}`, `/people/${id}`, `/people/${id}`, person);
  }

  @Post(':id')
  @Roles('admin')
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const title = `Edit ${(await this.people.get(id)).displayName}`;
    return submitForm(res, {
      // A form always sends the whole person; no ticked role means "none", which is refused.
      dto: EditPersonPageDto,
      body: { roles: [], ...body },
      run: (value) => this.people.update(id, value as UpdatePersonDto, actor),
      done: () => `/people/${id}?notice=saved`,
      view: 'people/form',
      model: (errors) => this.formModel(title, `/people/${id}`, `/people/${id}`, body, errors),
    });
  }

  @Post(':id/lived-experience')
  @Roles('admin')
  async attest(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: RecordAttestationDto,
      body,
      run: (value) => this.people.recordAttestation(id, value, actor),
      done: () => `/people/${id}?notice=attested`,
      view: 'people/show',
      model: (attestErrors) => this.showModel(id, user, { attestErrors, attestValues: body }),
    });
  }

  private async showModel(id: string, user: AuthUser, extra: object) {
    const today = this.config.today();
    const isAdmin = hasRole(user, 'admin');
    const [record, admins, practiceRoles, roleOptions, ssoLinks, statusPeriods] = await Promise.all([
      this.records.getRecord(id, user),
      isAdmin ? this.people.findByRole('admin') : [],
      this.assignments.listFor(id, user),
      this.assignments.roleOptions(),
      // How the person signs in is an admin's concern (they can unlink it); others are not shown it.
      isAdmin ? this.identities.listForPerson(id) : [],
      this.people.statusHistory(id),
    ]);
    const person = personRecordView(record, today);
    const readiness = (await this.ce.overview(id, user, today)).readiness;
    const certificates = await this.certificates.currentByCredential(person.credentials.map((c) => c.id));
    return {
      title: person.displayName,
      person: {
        ...person,
        credentials: person.credentials.map((c) => {
          const certificate = certificates.get(c.id);
          return { ...c, certificate: certificate ? { id: certificate.id, code: certificate.code } : null };
        }),
      },
      canDownloadBadges: isAdmin || user.id === id,
      // Their own record is where a person hands in a new credential, a renewal or CE for review.
      isSelf: user.id === id,
      nextSteps: nextSteps(person.credentials, readiness),
      practiceRoles: practiceRolesView(practiceRoles, roleOptions, today),
      admins,
      isAdmin,
      ssoEmails: ssoLinks.map((l) => l.email),
      statusHistory: statusHistoryView(statusPeriods),
      today,
      attestValues: { verifiedOn: today, verifiedById: user.id },
      ...extra,
    };
  }

  private formModel(
    title: string,
    action: string,
    cancel: string,
    values: object,
    errors: Record<string, string> | null = null,
  ) {
    const v = values as { roles?: unknown };
    const roles = Array.isArray(v.roles) ? v.roles : typeof v.roles === 'string' ? [v.roles] : [];
    // Only a new person is invited from this form; an existing one is invited from their access page.
    const offerInvitation = action === '/people';
    return {
      title,
      action,
      cancel,
      values: { ...values, roles },
      errors,
      allRoles: ROLES,
      offerInvitation,
      statusReasons: STATUS_REASONS,
    };
  }
}
