import { chatMessage, eventLink } from './chat-message';
import { eventTone, summarizeEvent } from './event-summary';

const pipelineRunFailed = {
  id: 'e1',
  type: 'project:one-off-job:pipeline-run:failed',
  occurred_at: '2026-11-20T10:00:00.000Z',
  project: { uuid: 'p', name: 'demo', job: { uuid: 'j', name: 'nightly', pipeline_run: { uuid: 'r', number: 12, status: 'FAILURE' } } },
};

describe('summarizeEvent', () => {
  it('says what happened in one line, naming the objects', () => {
    expect(summarizeEvent(pipelineRunFailed)).toBe('Pipeline run #12 of job "nightly" failed in project "demo"');
    expect(
      summarizeEvent({
        type: 'lineage:run:fail',
        lineage: { integration: 'SPARK', job: { namespace: 'spark', name: 'etl.load' }, error: { message: 'Table not found: orders' } },
      }),
    ).toBe('Spark job "etl.load" failed: Table not found: orders');
    expect(
      summarizeEvent({
        type: 'observability:run:failed',
        pipeline: { key: 'SFTP_to_Tableau', run: { key: 'airflow-123', status: 'FAILED', tests_failed: 2 } },
      }),
    ).toBe('Run airflow-123 of SFTP_to_Tableau FAILED (2 tests failed)');
    expect(summarizeEvent({ type: 'project:cron-job:run:failed', project: { name: 'demo', job: { name: 'hourly', run: { number: 7 } } } })).toBe(
      'Run #7 of cron job "hourly" failed in project "demo"',
    );
    expect(summarizeEvent({ type: 'project:created', project: { uuid: 'u1' } })).toBe('Project "u1" was created');
    expect(summarizeEvent({ type: 'tidings:webhook:disabled', webhook: { name: 'ops', disabled_reason: 'The endpoint answered 410 Gone' } })).toBe(
      'Webhook "ops" was disabled: The endpoint answered 410 Gone',
    );
  });

  it('falls back to ids when names are missing, and never throws on a sparse payload', () => {
    expect(summarizeEvent({ type: 'project:one-off-job:failed', project: { uuid: 'p1', job: { uuid: 'j1' } } })).toBe('Job "j1" failed in project "p1"');
    for (const type of [
      'lineage:run:start',
      'lineage:dataset',
      'observability:task:failed',
      'observability:test-outcomes',
      'observability:stream:message-log',
      'observability:server:metric-log',
      'ping',
      'unknown:thing',
    ]) {
      expect(typeof summarizeEvent({ type })).toBe('string');
    }
  });

  it('reads failures as bad and successes as good', () => {
    expect(eventTone('project:one-off-job:pipeline-run:failed')).toBe('bad');
    expect(eventTone('lineage:run:complete')).toBe('good');
    expect(eventTone('project:created')).toBe('neutral');
    for (const type of ['observability:message-log', 'observability:stream:message-log', 'observability:server:message-log']) {
      expect(eventTone(type, { log: { level: 'ERROR' } })).toBe('bad');
      expect(eventTone(type, { log: { level: 'WARNING' } })).toBe('neutral');
    }
  });

  it('names a stream or server by its name, else its key', () => {
    expect(
      summarizeEvent({
        type: 'observability:stream:message-log',
        stream: { key: 'orders', name: 'Orders' },
        log: { level: 'ERROR', message: 'lag' },
      }),
    ).toBe('ERROR in streaming pipeline "Orders": lag');
    expect(
      summarizeEvent({ type: 'observability:server:metric-log', server: { key: 'db-1' }, metric: { key: 'disk_free', value: 3 } }),
    ).toBe('Metric disk_free = 3 in server "db-1"');
    expect(
      summarizeEvent({ type: 'observability:server:test-outcomes', server: { key: 'db-1' }, tests: { failed: 1, warning: 0, passed: 2 } }),
    ).toBe('Tests in server "db-1": 1 failed, 0 warning, 2 passed');
  });
});

describe('chatMessage', () => {
  it('Slack: text and blocks, escaped, with a button when PUBLIC_URL is set', () => {
    const msg = chatMessage('slack', { ...pipelineRunFailed, project: { ...pipelineRunFailed.project, name: '<b>&co' } }, 'https://tidings.example.com/') as any;
    expect(msg.text).toBe('Pipeline run #12 of job "nightly" failed in project "&lt;b&gt;&amp;co"');
    expect(msg.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: msg.text } });
    expect(msg.blocks.at(-1).elements[0].url).toBe('https://tidings.example.com/admin#event=e1');
    expect((chatMessage('slack', pipelineRunFailed) as any).blocks).toHaveLength(2);
  });

  it('Discord: content of at most 2000 characters, an embed, and no mentions', () => {
    const long = { ...pipelineRunFailed, project: { ...pipelineRunFailed.project, name: '@everyone '.repeat(400) } };
    const msg = chatMessage('discord', long) as any;
    expect(msg.content.length).toBeLessThanOrEqual(2000);
    expect(msg.allowed_mentions).toEqual({ parse: [] });
    expect(msg.embeds[0]).toMatchObject({ title: pipelineRunFailed.type, timestamp: pipelineRunFailed.occurred_at, color: 0xd92d20 });
  });

  it('Teams: a MessageCard with the summary and an OpenUri action when linked', () => {
    const msg = chatMessage('teams', pipelineRunFailed, 'https://t.example.com') as any;
    expect(msg).toMatchObject({ '@type': 'MessageCard', title: 'Pipeline run #12 of job "nightly" failed in project "demo"' });
    expect(msg.potentialAction[0].targets[0].uri).toBe(eventLink('https://t.example.com', 'e1'));
  });
});
