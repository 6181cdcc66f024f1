import type { ClassConstructor } from 'class-transformer';
import type { Response } from 'express';
import { formErrorsFrom } from './form-errors';
import { validateForm } from './validation';

/** `{ field: message }` as a form shows it; `form` is the message for the whole form. */
export type FormErrors = Record<string, string>;

/** A page to render instead of redirecting, for the rare form whose answer is a page of its own. */
export interface RenderedPage {
  view: string;
  model: object;
}

export interface FormPost<T extends object, R> {
  /** The DTO the API uses for the same write. Fields it does not declare are refused. */
  dto: ClassConstructor<T>;
  /** What the form posted, reshaped if the form needs it; it is validated and shown again on a refusal. */
  body: unknown;
  /** The service call. */
  run: (value: T) => Promise<R>;
  /** Where to send the browser (303) once the write is done, usually with `?notice=`; or a page to show. */
  done: (result: R) => string | RenderedPage | Promise<string | RenderedPage>;
  /** The form's view, shown again at 400 with the messages and the draft. */
  view: string;
  /** The form's model for a refusal: the view model with the messages (and the draft) where the view wants them. */
  model: (errors: FormErrors) => object | Promise<object>;
}

/**
 * The one form post: validate with the DTO, call the service, 303 with a notice on success; on a
 * validation error or a rule refusal, render the form again at 400 with each message beside its field.
 */
export async function submitForm<T extends object, R>(res: Response, form: FormPost<T, R>): Promise<void> {
  const { value, errors } = await validateForm(form.dto, form.body, { forbidUnknown: true });
  let problems: FormErrors = errors ?? {};
  if (value) {
    try {
      const answer = await form.done(await form.run(value));
      if (typeof answer === 'string') return res.redirect(303, answer);
      return res.render(answer.view, answer.model);
    } catch (e) {
      // A 4xx is the service refusing this input (a rule, a clash, a person a trainer may not enrol):
      // it is said on the form. Anything else is an error page.
      problems = formErrorsFrom(e);
    }
  }
  res.status(400).render(form.view, await form.model(problems));
}

/**
 * For a form over a service that replaces the whole record (as a PUT does): each field the post
 * leaves out keeps its stored value, so only a field that is sent (even empty) changes anything.
 */
export function keepStored(posted: Record<string, unknown>, stored: Record<string, unknown>): Record<string, unknown> {
  const out = { ...posted };
  for (const [field, value] of Object.entries(stored)) if (!(field in out) && value != null) out[field] = value;
  return out;
}
