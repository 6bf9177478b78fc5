// Files tsc does not emit but the build must carry: the OpenLineage schemas' licence (Apache-2.0
// asks for it beside them) and the admin page's static files.
const { cpSync } = require('node:fs');

cpSync('libs/ingest/src/openlineage/schema/LICENSE', 'dist/libs/ingest/src/openlineage/schema/LICENSE');
cpSync('apps/api/src/admin/static', 'dist/apps/api/src/admin/static', { recursive: true });
