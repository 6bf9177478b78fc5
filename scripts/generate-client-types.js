// Writes @tidings/client's typed event inputs (packages/client/src/event-types.ts) from the event registry.
// Run after `npm run build` whenever the registry changes: node scripts/generate-client-types.js
// (packages/client/src/event-types.spec.ts fails while the committed file is stale).
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { clientEventTypeDeclarations } = require('../dist/libs/events/src/registry/typescript');

const file = join(__dirname, '..', 'packages', 'client', 'src', 'event-types.ts');
writeFileSync(file, clientEventTypeDeclarations());
console.log(`wrote ${file}`);
