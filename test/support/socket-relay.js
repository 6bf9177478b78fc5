// Relays each connection accepted on one address to another: `node socket-relay.js FROM=TO ...`, where an
// address is a TCP port on 127.0.0.1 or a Unix socket path. A Unix socket is a file, reachable from every network
// namespace: one relay in the test's namespace and one in a namespace of its own join the two (fault-rig.ts).
// Prints "relaying" once every address listens.
const net = require('node:net');
const fs = require('node:fs');

const address = (text) => (/^\d+$/.test(text) ? { host: '127.0.0.1', port: Number(text) } : { path: text });
const pairs = process.argv.slice(2).map((pair) => pair.split('=').map(address));
let listening = 0;

for (const [from, to] of pairs) {
  const server = net.createServer((inbound) => {
    const outbound = net.connect(to);
    const close = () => {
      inbound.destroy();
      outbound.destroy();
    };
    for (const socket of [inbound, outbound]) socket.once('error', close).once('close', close);
    inbound.pipe(outbound).pipe(inbound);
  });
  if (from.path) fs.rmSync(from.path, { force: true });
  server.listen(from, () => {
    if (++listening === pairs.length) console.log('relaying');
  });
}
