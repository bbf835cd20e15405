// Baseline for the fan-out benchmark: a process that republishes every frame from its PULL socket to N topics
// (`trade/<master>/<slave>`, the relay's topics) with no decoding, filtering or encoding.
// argv: <pub|xpub> <master> <slaves>. The socket type follows the relay's publisher (BENCH_FORWARDER_SOCKET, XPUB
// by default as the relay's).
import { Publisher, Pull, XPublisher } from 'zeromq';
import { slaveIds } from './ids';

const [kind = 'pub', master = 'M1', n = '1'] = process.argv.slice(2);
const pull = new Pull();
const pub =
  kind === 'xpub'
    ? new XPublisher({ sendHighWaterMark: 100_000 })
    : new Publisher({ sendHighWaterMark: 100_000 });
await pull.bind('tcp://127.0.0.1:*');
await pub.bind('tcp://127.0.0.1:*');
if (pub instanceof XPublisher) {
  // An XPUB hands subscriptions to the application: every one is reported (verbosity allSubs), counted and the
  // count printed, so the benchmark starts sending only once every subscriber's subscription has arrived — a
  // bare publisher drops frames for subscribers it has not heard from yet (the relay parks them instead, D19).
  pub.verbosity = 'allSubs';
  void (async () => {
    let subscribed = 0;
    for await (const [msg] of pub) {
      if (msg?.[0] === 1) process.stdout.write(`subscribed ${++subscribed}\n`);
    }
  })();
}
const topics = slaveIds(master, Number(n)).map((s) => Buffer.from(`trade/${master}/${s} `));
process.stdout.write(`${JSON.stringify({ receiver: pull.lastEndpoint, publisher: pub.lastEndpoint })}\n`);
process.once('SIGTERM', () => {
  pull.close();
  pub.close();
  process.exit(0);
});
for await (const [frame] of pull) {
  for (const t of topics) await pub.send(Buffer.concat([t, frame!]));
}
