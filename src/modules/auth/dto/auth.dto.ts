import { IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { Trim, TrimToNull } from '../../../common/dto/transforms';
import { fieldError } from '../../../common/http/validation';
import { IsAcceptablePassword } from '../passwords';

export class LoginDto {
  @Trim()
  @IsEmail({}, { message: 'must be an e-mail address such as name@example.org' })
  @MaxLength(254)
  email!: string;

  @IsString()
  @MinLength(1, { message: 'is required' })
  @MaxLength(200)
  password!: string;
}

export class SetPasswordDto {
  @IsAcceptablePassword()
  password!: string;

  @IsString()
  confirm!: string;
}

export class ChangePasswordDto extends SetPasswordDto {
  @IsString()
  @MinLength(1, { message: 'is required' })
  @MaxLength(200)
  current!: string;
}

export class ForgotPasswordDto {
  @Trim()
  @IsEmail({}, { message: 'must be an e-mail address such as name@example.org' })
  @MaxLength(254)
  email!: string;
}

export class IssueApiTokenDto {
  @Trim()
  @IsString()
  @MinLength(2, { message: 'must say what the token is for, e.g. "Medicaid billing export"' })
  @MaxLength(100)
  name!: string;
}

export class PrintedNameDto {
  /** Blank: certificates print the person's full name. */
  @TrimToNull()
  @IsOptional()
  @IsString()
  @MaxLength(200, { message: 'must be at most 200 characters' })
  preferredName?: string | null;
}

/** A password form's post without `username`, which is there for password managers only (whose password it is). */
export function withoutUsername(body: Record<string, unknown>): Record<string, unknown> {
  const { username: _username, ...fields } = body;
  return fields;
}

/** The new password, once the second typing matches it; otherwise a refusal beside `confirm`. */
export function confirmedPassword(value: SetPasswordDto, message = 'does not match the new password'): string {
  if (value.password !== value.confirm) throw fieldError('confirm', message);
  return value.password;
}
