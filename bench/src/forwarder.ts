// Baseline for the relay latency benchmark: a process that republishes every frame from its PULL socket to its
// PUB socket N times (one topic per slave), with no decoding, filtering or encoding.
import { Publisher, Pull } from 'zeromq';

const slaves = Number(process.argv[2] ?? 1);
const pull = new Pull();
const pub = new Publisher({ sendHighWaterMark: 1_000_000 });
await pull.bind('tcp://127.0.0.1:*');
await pub.bind('tcp://127.0.0.1:*');
const topics = Array.from({ length: slaves }, (_, i) =>
  Buffer.from(`trade/M1/S${String(i).padStart(4, '0')} `),
);
process.stdout.write(`${JSON.stringify({ receiver: pull.lastEndpoint, publisher: pub.lastEndpoint })}\n`);
process.once('SIGTERM', () => {
  pull.close();
  pub.close();
  process.exit(0);
});
for await (const [frame] of pull) {
  for (const t of topics) await pub.send(Buffer.concat([t, frame!]));
}
