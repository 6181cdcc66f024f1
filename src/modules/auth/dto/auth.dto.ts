import { IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { Trim, TrimToNull } from '../../../common/dto/transforms';
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
