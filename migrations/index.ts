import { InitialSchema1763600000000 } from './1763600000000-InitialSchema';

/** Every migration, in order. Listed explicitly so the compiled app needs no glob. */
export const MIGRATIONS = [InitialSchema1763600000000];
