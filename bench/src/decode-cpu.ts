// CPU per decoded inbound frame (decodeInbound: MessagePack parse + schema), in this process: 25,000 distinct
// heartbeats (as the heartbeat benchmark sends them) and 1,000 trade signals; CPU time (process.cpuUsage), not
// wall time, so a loaded machine disturbs it less. Usage: npx tsx bench/src/decode-cpu.ts [rounds]
import { decodeInbound } from '@sankey/shared/protocol/codec';
import { heartbeatFrame, tradeSignal } from './signals';

const rounds = Number(process.argv[2] ?? 12);
const heartbeats = Array.from({ length: 25_000 }, (_, i) =>
  heartbeatFrame(`E${String(i).padStart(6, '0')}`, 'Slave'),
);
const signals = Array.from({ length: 1000 }, (_, i) => tradeSignal('M1', i));
const cpuNs = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) * 1000;
};
const hb: number[] = [];
const sig: number[] = [];
let ok = 0;
for (let r = 0; r < rounds; r++) {
  let c = process.cpuUsage();
  for (const f of heartbeats) if (decodeInbound(f).ok) ok++;
  if (r >= rounds / 3) hb.push(cpuNs(c) / heartbeats.length);
  c = process.cpuUsage();
  for (let k = 0; k < 5; k++) for (const f of signals) if (decodeInbound(f).ok) ok++;
  if (r >= rounds / 3) sig.push(cpuNs(c) / (5 * signals.length));
}
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
process.stdout.write(
  `${JSON.stringify({ heartbeatNs: Math.round(median(hb)), signalNs: Math.round(median(sig)), decoded: ok })}\n`,
);
