// Writes the event_types rows the registry implies to migrations/data/event-catalogue-<version>.json, one row
// per line: the frozen data a catalogue-sync migration applies (see migrations/data/sync-event-types.ts).
// Run after `npm run build`: node scripts/event-catalogue-snapshot.js v3
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { eventTypeRows } = require('../dist/libs/events/src/registry/event-type-rows');

const version = process.argv[2];
if (!/^v\d+$/.test(version ?? '')) throw new Error('usage: node scripts/event-catalogue-snapshot.js v<N>');
const file = join(__dirname, '..', 'migrations', 'data', `event-catalogue-${version}.json`);
writeFileSync(file, `[\n${eventTypeRows().map((row) => JSON.stringify(row)).join(',\n')}\n]\n`);
console.log(`wrote ${file}`);
