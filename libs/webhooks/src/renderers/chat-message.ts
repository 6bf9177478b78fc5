import { eventTone, summarizeEvent } from './event-summary';

type Payload = Record<string, any>;

export type ChatFormat = 'slack' | 'discord' | 'teams';

const COLORS = { bad: 0xd92d20, good: 0x12b76a, neutral: 0x667085 };
const DISCORD_CONTENT = 2000;

/** Where a person can look further: the admin page, when PUBLIC_URL is set. */
export function eventLink(publicUrl: string | undefined, eventId: string): string | undefined {
  return publicUrl ? `${publicUrl.replace(/\/+$/, '')}/admin#event=${eventId}` : undefined;
}

/** The message body a chat platform's incoming webhook expects, for one event. */
export function chatMessage(format: ChatFormat, event: Payload, publicUrl?: string): Record<string, unknown> {
  const summary = summarizeEvent(event);
  const link = eventLink(publicUrl, event.id);
  const context = `${event.type} · ${event.occurred_at}`;
  switch (format) {
    case 'slack':
      return slack(summary, context, link);
    case 'discord':
      return discord(summary, event, link);
    case 'teams':
      return teams(summary, event, context, link);
  }
}

// Slack: `text` is the notification fallback; blocks carry the same line, the type and time, and a button.
function slack(summary: string, context: string, link?: string): Record<string, unknown> {
  const text = escapeSlack(summary);
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: escapeSlack(context) }] },
  ];
  if (link) blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Tidings' }, url: link }] });
  return { text, blocks };
}

// Discord: content at most 2000 characters; names never ping anyone (allowed_mentions).
function discord(summary: string, event: Payload, link?: string): Record<string, unknown> {
  const content = summary.length > DISCORD_CONTENT ? `${summary.slice(0, DISCORD_CONTENT - 1)}…` : summary;
  const embed: Record<string, unknown> = {
    title: event.type,
    description: summary.slice(0, 4096),
    timestamp: event.occurred_at,
    color: COLORS[eventTone(event.type, event)],
    footer: { text: 'Tidings' },
  };
  if (link) embed.url = link;
  return { content, embeds: [embed], allowed_mentions: { parse: [] } };
}

// Teams: a MessageCard (accepted by Office 365 connectors and Workflows webhooks).
function teams(summary: string, event: Payload, context: string, link?: string): Record<string, unknown> {
  const card: Record<string, unknown> = {
    '@type': 'MessageCard',
    '@context': 'https://schema.org/extensions',
    summary: summary.slice(0, 256),
    themeColor: COLORS[eventTone(event.type, event)].toString(16).padStart(6, '0'),
    title: summary,
    sections: [{ activitySubtitle: context, facts: [{ name: 'Event', value: event.type }, { name: 'Occurred', value: event.occurred_at }, { name: 'Id', value: event.id }] }],
  };
  if (link) card.potentialAction = [{ '@type': 'OpenUri', name: 'Open in Tidings', targets: [{ os: 'default', uri: link }] }];
  return card;
}

function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
