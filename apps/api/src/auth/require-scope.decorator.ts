import { SetMetadata } from '@nestjs/common';
import { Scope } from '@tidings/auth';

export const SCOPE_KEY = 'tidings:scope';
export const PUBLIC_KEY = 'tidings:public';
export const SERVICE_ACCOUNT_KEY = 'tidings:service-account-key';

/** The scope a route needs besides `admin` (which may do everything); `any` = any valid key. Routes without it need `admin`. */
export const RequireScope = (scope: Scope | 'any') => SetMetadata(SCOPE_KEY, scope);

/** No key needed (health checks, API docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The key may also come as "ServiceAccountAuthenticationKey: <key>" (observability ingestion, DESIGN §7). */
export const AcceptServiceAccountKey = () => SetMetadata(SERVICE_ACCOUNT_KEY, true);
