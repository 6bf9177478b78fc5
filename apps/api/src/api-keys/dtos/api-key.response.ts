import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ApiKeyView, Scope, SCOPES } from '@tidings/auth';
import { ApiDateTime, ApiUuid } from '../../openapi/api-properties';

@ApiSchema({ name: 'ApiKey' })
export class ApiKeyResponse implements ApiKeyView {
  @ApiUuid() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'The first characters of the key, to recognise it' }) prefix: string;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes: Scope[];
  @ApiDateTime() created_at: Date;
  @ApiDateTime({ nullable: true }) last_used_at: Date | null;
  @ApiDateTime({ nullable: true }) revoked_at: Date | null;
}

@ApiSchema({ name: 'CreatedApiKey' })
export class CreatedApiKeyResponse extends ApiKeyResponse {
  @ApiProperty({ example: 'tid_XTemNBnC…', description: 'The key itself: shown only in this answer' }) key: string;
}

@ApiSchema({ name: 'ApiKeyList' })
export class ApiKeyListResponse {
  @ApiProperty({ type: [ApiKeyResponse] }) data: ApiKeyResponse[];
}
