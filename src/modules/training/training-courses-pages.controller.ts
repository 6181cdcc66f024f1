import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../common/auth/actor';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor, Roles } from '../../common/auth/decorators';
import { keepStored, submitForm } from '../../common/http/form-post';
import { CoursesService } from './courses.service';
import { courseBody, storedCourseFields } from './dto/training-forms';
import { CourseDto } from './dto/training.dto';
import { NOTICES, TrainingViews } from './training.views';

/** The course catalogue: program courses and CE courses, with their modules. */
@ApiExcludeController()
@Controller('training/courses')
export class TrainingCoursesPagesController {
  constructor(
    private readonly courses: CoursesService,
    private readonly views: TrainingViews,
  ) {}

  @Get()
  async list(@CurrentUser() user: AuthUser, @Res() res: Response) {
    const courses = await this.courses.list();
    return res.render('training/courses', {
      title: 'Courses',
      programCourses: courses.filter((c) => !c.ceCategory),
      ceCourses: courses.filter((c) => c.ceCategory),
      isAdmin: hasRole(user, 'admin'),
    });
  }

  @Get('new')
  @Roles('admin')
  async newCourse(@Res() res: Response) {
    return res.render(
      'training/course-form',
      await this.views.courseFormModel(null, { values: { modules: [] }, errors: {} }),
    );
  }

  @Post()
  @Roles('admin')
  async create(@Body() body: Record<string, unknown>, @RequestActor() actor: Actor, @Res() res: Response) {
    const input = courseBody(body);
    return submitForm(res, {
      dto: CourseDto,
      body: input,
      run: (value) => this.courses.create(value, actor),
      done: (course) => `/training/courses/${course.id}?notice=course-created`,
      view: 'training/course-form',
      model: (errors) => this.views.courseFormModel(null, { values: input, errors }),
    });
  }

  @Get(':id')
  async show(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('notice') notice: string | undefined,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    const course = await this.courses.get(id);
    return res.render('training/course', {
      title: course.title,
      course,
      isAdmin: hasRole(user, 'admin'),
      notice: NOTICES[notice ?? ''],
    });
  }

  @Get(':id/edit')
  @Roles('admin')
  async edit(@Param('id', new ParseUUIDPipe()) id: string, @Res() res: Response) {
    const course = await this.courses.get(id);
    const values = {
      ...course,
      awardsCredentialTypeCode: course.awardsCredentialType?.code ?? '',
      modules: course.modules,
    };
    return res.render('training/course-form', await this.views.courseFormModel(course.id, { values, errors: {} }));
  }

  @Post(':id')
  @Roles('admin')
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: Record<string, unknown>,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    // The service replaces the course, as the API's PUT does; a field left out of the post keeps its value.
    const input = courseBody(keepStored(body, storedCourseFields(await this.courses.get(id))));
    return submitForm(res, {
      dto: CourseDto,
      body: input,
      run: (value) => this.courses.update(id, value, actor),
      done: () => `/training/courses/${id}?notice=course-saved`,
      view: 'training/course-form',
      model: (errors) => this.views.courseFormModel(id, { values: input, errors }),
    });
  }
}
