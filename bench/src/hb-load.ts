// Heartbeat load generator (its own process, so the measuring process stays free): `eas` simulated EAs, each
// heartbeating once a second, over a few PUSH sockets, paced in 10 ms ticks.
// argv: <receiver endpoint> <eas> <seconds>. Prints `{"sent":…,"seconds":…}` when done.
import { Push } from 'zeromq';
import { heartbeatFrame } from './signals';

const [endpoint = '', easArg = '1000', secondsArg = '10'] = process.argv.slice(2);
const eas = Number(easArg);
const seconds = Number(secondsArg);
const SOCKETS = 4;
const frames = Array.from({ length: eas }, (_, i) =>
  heartbeatFrame(`E${String(i).padStart(6, '0')}`, 'Slave'),
);
const pushes = Array.from({ length: SOCKETS }, () => {
  const p = new Push({ linger: 0, sendHighWaterMark: 1_000_000 });
  p.connect(endpoint);
  return p;
});
await new Promise((r) => setTimeout(r, 200));
process.stdout.write('started\n');
const t0 = performance.now();
let sent = 0;
let next = 0;
while (performance.now() - t0 < seconds * 1000) {
  // Catch up to where a steady 1 Hz per EA would be by now.
  const due = Math.floor(((performance.now() - t0) / 1000) * eas);
  while (sent < due) {
    await pushes[sent % SOCKETS]!.send(frames[next]!);
    next = (next + 1) % eas;
    sent++;
  }
  await new Promise((r) => setTimeout(r, 10));
}
process.stdout.write(`${JSON.stringify({ sent, seconds: (performance.now() - t0) / 1000 })}\n`);
for (const p of pushes) p.close();
