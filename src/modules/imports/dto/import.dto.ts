import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, MaxLength, ValidateBy } from 'class-validator';
import { ToBoolean, TrimToNull } from '../../../common/dto/transforms';
import { IMPORT_KINDS, type ImportKind } from '../import.entity';

/** A multipart field holds text: the mapping arrives as JSON text and is parsed before it is checked. */
const FromJson = () =>
  Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    if (value.trim() === '') return undefined;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  });

/** Every value of the mapping is a field name or null (ignore the column). */
const IsColumnMapping = () =>
  ValidateBy({
    name: 'isColumnMapping',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length <= 100 &&
        Object.entries(value).every(
          ([k, v]) => k.length <= 200 && (v === null || (typeof v === 'string' && v.length <= 40)),
        ),
      defaultMessage: () =>
        'must be a JSON object from a column header to a field name, or to null to ignore the column',
    },
  });

export class CreateImportDto {
  @ApiProperty({ enum: IMPORT_KINDS, description: 'What the file holds' })
  @IsIn(IMPORT_KINDS, { message: `must be one of ${IMPORT_KINDS.join(', ')}` })
  kind!: ImportKind;

  @ApiPropertyOptional({
    type: 'string',
    description: 'JSON: {"File header": "field", "Column to skip": null}; unmatched columns must be mapped or ignored',
    example: '{"State Cert #": "number", "Notes": null}',
  })
  @FromJson()
  @IsOptional()
  @IsObject({ message: 'must be a JSON object from a column header to a field name, or to null' })
  @IsColumnMapping()
  mapping?: Record<string, string | null>;

  @ApiPropertyOptional({ description: 'The sheet of an XLSX workbook to read (default: the first)' })
  @TrimToNull()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  sheet?: string | null;

  @ApiPropertyOptional({ description: 'People files: invite the new people by e-mail once committed' })
  @ToBoolean()
  @IsOptional()
  @IsBoolean()
  sendInvitations?: boolean;

  @ApiPropertyOptional({ description: 'Completion files: draw certificates for the awarded credentials (no e-mail)' })
  @ToBoolean()
  @IsOptional()
  @IsBoolean()
  drawCertificates?: boolean;

  @ApiPropertyOptional({ description: 'Save the mapping under this name for the next file' })
  @TrimToNull()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  saveMappingAs?: string | null;
}

export class CommitImportDto {
  @ApiPropertyOptional({ description: 'Import the valid rows and skip the rejected ones (default: all or nothing)' })
  @ToBoolean()
  @IsOptional()
  @IsBoolean()
  skipRejected?: boolean;

  @ApiPropertyOptional()
  @ToBoolean()
  @IsOptional()
  @IsBoolean()
  sendInvitations?: boolean;

  @ApiPropertyOptional()
  @ToBoolean()
  @IsOptional()
  @IsBoolean()
  drawCertificates?: boolean;
}

export class RemapImportDto {
  @ApiProperty({ description: 'From a column header to a field name, or to null to ignore the column' })
  @FromJson()
  @IsObject({ message: 'must be a JSON object from a column header to a field name, or to null' })
  @IsColumnMapping()
  mapping!: Record<string, string | null>;

  @ApiPropertyOptional()
  @TrimToNull()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  saveMappingAs?: string | null;
}
