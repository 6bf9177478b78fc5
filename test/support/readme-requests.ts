import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The HTTP requests a Markdown document shows as curl commands against `$T`,
 * read the way a shell would (quotes, line continuations), so that a test can
 * check them against the OpenAPI document instead of a copy that drifts.
 */
export interface CurlRequest {
  /** 1-based line of the `curl` in the document. */
  line: number;
  method: string;
  /** The path as written, variables kept: `/v1/webhooks/$WEBHOOK_ID/test`. */
  path: string;
  query: Record<string, string>;
  /** Headers other than Authorization and Content-Type. */
  headers: Record<string, string>;
  /** The parsed JSON body, if there is one. */
  body?: unknown;
}

export function curlRequests(markdown: string): CurlRequest[] {
  const requests: CurlRequest[] = [];
  for (const match of markdown.matchAll(/\bcurl\s/g)) {
    const line = markdown.slice(0, match.index).split('\n').length;
    const words = shellWords(markdown, match.index! + 'curl'.length);
    const request = fromCurl(words, line);
    if (request) requests.push(request);
  }
  return requests;
}

/** Words of one shell command from `start`: ends at an unquoted line end (no `\` before it) or a backtick. */
function shellWords(text: string, start: number): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && text[i + 1] === '\n') {
      i++;
      continue;
    }
    if (c === '\n' || c === '`') break;
    if (c === ' ' || c === '\t') {
      if (word !== null) words.push(word);
      word = null;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new Error(`Unclosed ${c} in the curl command at offset ${start}`);
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
      continue;
    }
    word = (word ?? '') + c;
  }
  if (word !== null) words.push(word);
  return words;
}

function fromCurl(words: string[], line: number): CurlRequest | null {
  let method: string | undefined;
  let url: string | undefined;
  let data: string | undefined;
  const headers: Record<string, string> = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === '-X' || word === '--request') method = words[++i];
    else if (word === '-H' || word === '--header') {
      const header = words[++i];
      const colon = header.indexOf(':');
      if (colon > 0) {
        const name = header.slice(0, colon).trim();
        if (!/^(authorization|content-type)$/i.test(name)) headers[name] = header.slice(colon + 1).trim();
      }
    } else if (word === '-d' || word === '--data' || word === '--data-raw') data = words[++i];
    else if (word.startsWith('$T/')) url = word.slice('$T'.length);
  }
  if (!url) return null; // not a request to Tidings (or one built some other way)
  const [path, search = ''] = url.split('?');
  const query = Object.fromEntries(new URLSearchParams(search));
  const request: CurlRequest = { line, method: method ?? (data === undefined ? 'GET' : 'POST'), path, query, headers };
  if (data !== undefined) request.body = JSON.parse(data);
  return request;
}

/** `METHOD /path` of every route in the first column of the "HTTP API" table; `:id` becomes `{id}`. */
export function tableRoutes(markdown: string): { method: string; path: string }[] {
  const section = markdown.split(/^## HTTP API$/m)[1]?.split(/^## /m)[0];
  if (!section) throw new Error('No "## HTTP API" section');
  const routes: { method: string; path: string }[] = [];
  for (const row of section.split('\n').filter((l) => l.startsWith('| `'))) {
    let last: { method: string; path: string } | undefined;
    for (const [, code] of row.split('|')[1].matchAll(/`([^`]+)`/g)) {
      const full = /^(GET|POST|PUT|PATCH|DELETE) (\/\S*)$/.exec(code);
      // `POST /events/v1/run-status`, `message-log`, …: a bare name is a sibling of the previous route.
      const route = full
        ? { method: full[1], path: full[2] }
        : last && /^[a-z-]+$/.test(code)
          ? { method: last.method, path: last.path.replace(/[^/]+$/, code) }
          : undefined;
      if (!route) continue;
      route.path = route.path.split('?')[0].replace(/:([a-z_]+)/g, '{$1}');
      routes.push(route);
      last = route;
    }
  }
  return routes;
}

/** The code blocks in `language` of one `## ` section of the repository's README, in order. */
export function readmeCodeBlocks(section: string, language: string): string[] {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${section}\n`);
  if (start === -1) throw new Error(`README.md has no section "${section}"`);
  const end = readme.indexOf('\n## ', start + 1);
  const text = readme.slice(start, end === -1 ? undefined : end);
  return [...text.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1]);
}
