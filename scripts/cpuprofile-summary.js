// Summarises a V8 .cpuprofile (BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=…", see docs/benchmark.md):
// busy milliseconds per second of the run (to pick the loaded window), then self and inclusive time
// by module (a package, a folder of ours, a Node internal) and by function, within [from, to] seconds.
//   node scripts/cpuprofile-summary.js CPU.….cpuprofile [fromSeconds] [toSeconds] [rows]
// A profile samples wall time: a process waiting for a core (e.g. inside writev) counts too.
const { readFileSync } = require('node:fs');

const [file, fromArg, toArg, rowsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/cpuprofile-summary.js <file.cpuprofile> [fromSeconds] [toSeconds] [rows]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const rows = Number(rowsArg ?? 40);
const from = fromArg === undefined ? -Infinity : Number(fromArg);
const to = toArg === undefined ? Infinity : Number(toArg);
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parents = new Map();
for (const n of profile.nodes) for (const child of n.children ?? []) parents.set(child, n.id);

function moduleOf({ url, functionName }) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:'))
    return url
      .replace(/^node:internal\//, 'node:')
      .split('/')
      .slice(0, 2)
      .join('/');
  const ours = /dist\/(.*)\/[^/]+$/.exec(url);
  return ours ? ours[1] : url;
}
function labelOf(n) {
  const frame = n.callFrame;
  const file = frame.url && !frame.url.includes('node_modules') ? `:${frame.url.split('/').pop()}` : '';
  return `${frame.functionName || '(anonymous)'} ${moduleOf(frame)}${file}:${frame.lineNumber + 1}`;
}

const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms);
const busyPerSecond = new Map();
const self = { module: new Map(), function: new Map() };
const inclusive = { module: new Map(), function: new Map() };
let total = 0;
let at = 0;
for (let i = 0; i < profile.samples.length; i++) {
  at += profile.timeDeltas[i] / 1e6;
  const ms = (profile.timeDeltas[i + 1] ?? 0) / 1e3;
  const leaf = nodes.get(profile.samples[i]);
  if (leaf.callFrame.functionName === '(idle)') continue;
  add(busyPerSecond, Math.floor(at), ms);
  if (at < from || at > to) continue;
  total += ms;
  add(self.module, moduleOf(leaf.callFrame), ms);
  add(self.function, labelOf(leaf), ms);
  // Each module and function once per sample, however often it recurs on the stack.
  const seen = new Set();
  for (let id = leaf.id; id !== undefined; id = parents.get(id)) {
    const n = nodes.get(id);
    for (const [map, key] of [
      [inclusive.module, moduleOf(n.callFrame)],
      [inclusive.function, labelOf(n)],
    ]) {
      const mark = `${map === inclusive.module ? 'm' : 'f'}:${key}`;
      if (seen.has(mark)) continue;
      seen.add(mark);
      add(map, key, ms);
    }
  }
}

console.log(`busy ms per second: ${[...busyPerSecond].map(([s, ms]) => `${s}:${Math.round(ms)}`).join(' ')}`);
for (const [title, map] of [
  ['self by module', self.module],
  ['inclusive by module', inclusive.module],
  ['self by function', self.function],
  ['inclusive by function', inclusive.function],
]) {
  console.log(`\n== ${title} (busy ${total.toFixed(0)} ms)`);
  for (const [key, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    console.log(`${ms.toFixed(0).padStart(7)} ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${key}`);
  }
}
