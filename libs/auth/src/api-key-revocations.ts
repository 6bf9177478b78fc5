/** The channel a revocation is announced on (NOTIFY in the revoking statement, so only on commit); payload: the key's hash. */
export const API_KEY_REVOKED_CHANNEL = 'tidings_api_key_revoked';
