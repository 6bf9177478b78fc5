import { machineSlowness } from './wait-for';

// A test that names no timeout of its own gets jest's 60 s times the
// machine's slowness when its file starts (see machineSlowness).
jest.setTimeout(Math.round(60_000 * machineSlowness()));
