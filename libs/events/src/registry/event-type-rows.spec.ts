import { bodySchema } from './body-schema';
import { EVENT_TYPES } from './event-registry';
import { eventTypeRow, eventTypeRows, unsupportedSqlKeywords } from './event-type-rows';
import { object, text } from './json-schema';
import { PROJECT } from './platform-layers';

describe('event_types rows and the SQL validator', () => {
  it('every registry schema uses only keywords and formats the SQL validator interprets', () => {
    for (const entry of EVENT_TYPES) expect({ type: entry.type, unsupported: unsupportedSqlKeywords(bodySchema(entry)) }).toEqual({ type: entry.type, unsupported: [] });
    expect(eventTypeRows()).toHaveLength(EVENT_TYPES.length);
  });

  it('refuses a row whose schema needs a keyword or format the SQL validator lacks', () => {
    const entry = EVENT_TYPES.find((e) => e.type === 'project:created')!;
    const withPattern = { ...PROJECT, schema: object({ uuid: { ...text(36), pattern: '^x' } }) };
    expect(() => eventTypeRow({ ...entry, layers: [withPattern] })).toThrow('#/properties/project/properties/uuid: pattern');
    const withFormat = { ...PROJECT, schema: object({ mail: { type: 'string', format: 'email' } }) };
    expect(() => eventTypeRow({ ...entry, layers: [withFormat] })).toThrow('format email');
  });

  it('derives where scope columns are, which patterns select the type, and who may register it', () => {
    const row = eventTypeRow(EVENT_TYPES.find((e) => e.type === 'project:one-off-job:pipeline-run:failed')!);
    expect(row.scope_paths).toEqual(expect.arrayContaining([{ column: 'project_uuid', path: ['project', 'uuid'] }, { column: 'job_uuid', path: ['job', 'uuid'] }]));
    expect(row.subscription_patterns).toEqual(['project:one-off-job:pipeline-run:failed', 'project:one-off-job:pipeline-run:*', 'project:one-off-job:*', 'project:*', '*']);
    expect(row.producer_registrable).toBe(true);
    expect(eventTypeRow(EVENT_TYPES.find((e) => e.type === 'ping')!).producer_registrable).toBe(false);
    expect(eventTypeRow(EVENT_TYPES.find((e) => e.type === 'client:heartbeat')!).subscription_patterns).toEqual([]);
  });
});
