// Writes the event_types rows the registry implies to migrations/data/event-catalogue-<version>.json, one row
// per line, and the string formats their schemas name (as the SQL entry point reads them) to
// event-formats-<version>.json: the frozen data a catalogue-sync migration applies (see
// migrations/data/sync-event-types.ts and sync-event-type-rules.ts).
// Run after `npm run build`: node scripts/event-catalogue-snapshot.js v3
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { eventTypeRows } = require('../dist/libs/events/src/registry/event-type-rows');
const { sqlFormatRows } = require('../dist/libs/events/src/registry/formats');

const version = process.argv[2];
if (!/^v\d+$/.test(version ?? '')) throw new Error('usage: node scripts/event-catalogue-snapshot.js v<N>');
const write = (name, rows) => {
  const file = join(__dirname, '..', 'migrations', 'data', `${name}-${version}.json`);
  writeFileSync(file, `[\n${rows.map((row) => JSON.stringify(row)).join(',\n')}\n]\n`);
  console.log(`wrote ${file}`);
};
write('event-catalogue', eventTypeRows());
write('event-formats', sqlFormatRows());
