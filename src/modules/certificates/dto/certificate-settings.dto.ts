import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { Trim } from '../../../common/dto/transforms';

export class DirectorSettingsDto {
  @ApiProperty({
    example: 'Dana Littlelight',
    description: "Printed under the director's signature line; empty leaves the line for a hand signature",
  })
  @Trim()
  @IsString()
  @MaxLength(120, { message: 'must be at most 120 characters' })
  directorName!: string;
}
