import { isClientType, isEngineType, isPlatformType, matchedByStar, subscriptionPatternsFor } from './event-type-groups';

/** Whether a subscription with `pattern` selects `type`, as the matcher looks it up. */
const selects = (pattern: string, type: string) => subscriptionPatternsFor(type).includes(pattern);

describe('subscriptionPatternsFor', () => {
  it('lists the type itself, every prefix wildcard from the most specific, then *', () => {
    expect(subscriptionPatternsFor('project:one-off-job:pipeline-run:failed')).toEqual([
      'project:one-off-job:pipeline-run:failed',
      'project:one-off-job:pipeline-run:*',
      'project:one-off-job:*',
      'project:*',
      '*',
    ]);
  });

  it('gives a one-part platform type only itself and *', () => {
    expect(subscriptionPatternsFor('project:created')).toEqual(['project:created', 'project:*', '*']);
  });

  it('does not let a wildcard reach across a sibling branch', () => {
    expect(selects('project:cron-job:*', 'project:one-off-job:pipeline-run:failed')).toBe(false);
    expect(selects('project:one-off-job:pipeline-run:*', 'project:one-off-job:failed')).toBe(false);
    // A wildcard stands for whole parts only: "project:one-off*" is not a prefix pattern.
    expect(selects('project:one-off*', 'project:one-off-job:failed')).toBe(false);
  });

  it.each([
    'project:cron-job:run:pipeline-run:succeeded',
    'jupyter:image-build:failed',
    'observability:run:failed',
    'lineage:run:complete',
  ])('lets * select %s', (type) => {
    expect(selects('*', type)).toBe(true);
  });

  it.each(['tidings:delivery:exhausted', 'tidings:webhook:disabled', 'ping', 'client:heartbeat', 'client:view:loaded'])(
    'keeps %s out of *',
    (type) => {
      expect(selects('*', type)).toBe(false);
      expect(selects(type, type)).toBe(true);
    },
  );

  it('lets tidings:* select the engine events about webhooks and deliveries', () => {
    expect(subscriptionPatternsFor('tidings:delivery:exhausted')).toEqual(['tidings:delivery:exhausted', 'tidings:delivery:*', 'tidings:*']);
    expect(selects('tidings:*', 'tidings:webhook:disabled')).toBe(true);
    expect(selects('tidings:*', 'ping')).toBe(false);
    expect(selects('tidings:*', 'project:created')).toBe(false);
  });

  it('gives ping nothing but its own name', () => {
    expect(subscriptionPatternsFor('ping')).toEqual(['ping']);
  });

  it('lets client:* select client events', () => {
    expect(subscriptionPatternsFor('client:heartbeat')).toEqual(['client:heartbeat', 'client:*']);
  });
});

describe('event type groups', () => {
  it.each([
    ['project:one-off-job:failed', { platform: true, engine: false, client: false }],
    ['jupyter:image-build:started', { platform: true, engine: false, client: false }],
    ['tidings:webhook:disabled', { platform: false, engine: true, client: false }],
    ['ping', { platform: false, engine: true, client: false }],
    ['client:debug-ping', { platform: false, engine: false, client: true }],
    ['observability:message-log', { platform: false, engine: false, client: false }],
    ['lineage:dataset', { platform: false, engine: false, client: false }],
    // Group names are whole prefixes, not look-alikes.
    ['projects:created', { platform: false, engine: false, client: false }],
    ['pinging', { platform: false, engine: false, client: false }],
  ])('places %s', (type, groups) => {
    expect({ platform: isPlatformType(type), engine: isEngineType(type), client: isClientType(type) }).toEqual(groups);
    expect(matchedByStar(type)).toBe(!groups.engine && !groups.client);
  });
});
