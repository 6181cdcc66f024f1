import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export const DATE_OF_SERVICE_FORMATS = ['json', 'csv'] as const;
export type DateOfServiceFormat = (typeof DATE_OF_SERVICE_FORMATS)[number];

export class DateOfServiceQuery {
  @ApiPropertyOptional({
    enum: DATE_OF_SERVICE_FORMATS,
    description:
      'csv: the answers as a CSV download (line, person, date, role, name, result, why). Without it, the Accept header decides: text/csv gives the CSV, anything else JSON.',
  })
  @IsOptional()
  @IsIn(DATE_OF_SERVICE_FORMATS, { message: 'must be json or csv' })
  format?: DateOfServiceFormat;
}
