import { ApiProperty } from '@nestjs/swagger';
import { ArrayMinSize, IsArray, IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Scope, SCOPES } from '@tidings/auth';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'billing-service' }) @IsString() @IsNotEmpty() @MaxLength(255) name: string;
  @ApiProperty({ enum: SCOPES, isArray: true, example: ['events:write'] })
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(SCOPES, { each: true })
  scopes: Scope[];
}
