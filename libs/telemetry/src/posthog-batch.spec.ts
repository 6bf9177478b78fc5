import { analyticsBatchUrl } from './analytics-sender';
import { buildPostHogBatch } from './posthog-batch';

describe('PostHog batch body', () => {
  const row = {
    id: '01933f6c-0000-7000-8000-000000000001',
    event_type: 'project:created',
    recorded_at: new Date('2026-11-20T10:00:01Z'),
    payload: {
      event_properties: {
        event_id: '01933f6c-0000-7000-8000-000000000001',
        event_type: 'project:created',
        occurred_at: '2026-11-20T10:00:00.000Z',
        project_uuid: 'abc',
      },
      derived_properties: { project_has_name: true },
      app_properties: { version: '0.1.0', os: 'linux' },
    },
  };

  it('is the capture API shape: api_key and flat events with distinct_id, timestamp and the event id to dedupe on', () => {
    expect(buildPostHogBatch([row], 'install-1', 'phc_key')).toEqual({
      api_key: 'phc_key',
      batch: [
        {
          event: 'project:created',
          distinct_id: 'install-1',
          timestamp: '2026-11-20T10:00:00.000Z',
          uuid: row.id,
          properties: {
            event_id: '01933f6c-0000-7000-8000-000000000001',
            event_type: 'project:created',
            occurred_at: '2026-11-20T10:00:00.000Z',
            project_uuid: 'abc',
            project_has_name: true,
            app_version: '0.1.0',
            app_os: 'linux',
            $lib: 'tidings',
            $lib_version: '0.1.0',
            $insert_id: row.id,
            $process_person_profile: false,
          },
        },
      ],
    });
  });

  it('leaves api_key out when none is configured, and falls back to the time recorded', () => {
    const batch = buildPostHogBatch([{ ...row, payload: {} as never }], 'install-1');
    expect(batch).not.toHaveProperty('api_key');
    expect(batch.batch[0].timestamp).toBe('2026-11-20T10:00:01.000Z');
  });

  it('posts to <ANALYTICS_URL>/batch/', () => {
    expect(analyticsBatchUrl('https://eu.i.posthog.com')).toBe('https://eu.i.posthog.com/batch/');
    expect(analyticsBatchUrl('https://analytics.example.com/ingest/')).toBe('https://analytics.example.com/ingest/batch/');
  });
});
