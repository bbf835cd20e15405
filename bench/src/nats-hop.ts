// Diagnosis (docs/cluster.md, Cross-relay latency): the NATS server's share of the cross-relay hop, alone. One
// connection publishes (as relay A), another receives (as relay B), closed loop, one message in flight; µs from
// publish() to the receiving callback, for core NATS and a stream in file or memory storage read by a pull
// consumer (as the relays do) or a push consumer; six interleaved rounds. `npx tsx src/nats-hop.ts [messages]`.
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect, nanos } from '@nats-io/transport-node';
import { benchEnv } from './env';

const url = benchEnv.natsUrl;
const N = Number(process.argv[2] ?? 1000);
const us = () => Number(process.hrtime.bigint()) / 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const q = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.floor(p * s.length)]!.toFixed(0);
  return `p50 ${at(0.5)} p90 ${at(0.9)} p99 ${at(0.99)}`;
};

async function main() {
  const pubc = await connect({ servers: url });
  const subc = await connect({ servers: url });
  const jsm = await jetstreamManager(pubc);
  const tag = Math.random().toString(16).slice(2, 8);
  const data = new Uint8Array(300);
  const variants: Record<
    string,
    () => Promise<{ arm: (cb: () => void) => void; send: () => void; done: () => Promise<void> }>
  > = {
    core: async () => {
      let cb = () => {};
      const sub = subc.subscribe(`hop${tag}.core`, { callback: () => cb() });
      await subc.flush();
      return {
        arm: (f) => (cb = f),
        send: () => pubc.publish(`hop${tag}.core`, data),
        done: async () => sub.unsubscribe(),
      };
    },
    ...Object.fromEntries(
      (['file', 'memory'] as const).flatMap((st) =>
        (['pull', 'push'] as const).map((kind) => [
          `${st}-${kind}`,
          async () => {
            const name = `HOP${tag}${st}${kind}`;
            const subj = `hop${tag}.${st}.${kind}`;
            await jsm.streams.add({
              name,
              subjects: [subj],
              storage: st === 'file' ? StorageType.File : StorageType.Memory,
            });
            let cb = () => {};
            let stop: () => Promise<void>;
            if (kind === 'pull') {
              await jsm.consumers.add(name, {
                durable_name: 'c',
                ack_policy: AckPolicy.Explicit,
                ack_wait: nanos(30_000),
                max_ack_pending: 1000,
              });
              const c = await jetstream(subc).consumers.get(name, 'c');
              const msgs = await c.consume({
                max_messages: 256,
                callback: (m) => {
                  cb();
                  m.ack();
                },
              });
              stop = async () => void (await msgs.close());
            } else {
              const inbox = `_PUSH.${tag}.${st}`;
              await jsm.consumers.add(name, {
                durable_name: 'c',
                ack_policy: AckPolicy.Explicit,
                deliver_subject: inbox,
                deliver_policy: DeliverPolicy.New,
                ack_wait: nanos(30_000),
                max_ack_pending: 1000,
              });
              const sub = subc.subscribe(inbox, {
                callback: (_e, m) => {
                  cb();
                  m.respond(new TextEncoder().encode('+ACK'));
                },
              });
              stop = async () => sub.unsubscribe();
            }
            await subc.flush();
            let n = 0;
            return {
              arm: (f) => (cb = f),
              send: () => pubc.publish(subj, data, { reply: `_ACK${tag}.${n++}`, headers: undefined }),
              done: async () => {
                await stop();
                await jsm.streams.delete(name);
              },
            };
          },
        ]),
      ),
    ),
  };
  const results: Record<string, number[]> = {};
  for (let round = 0; round < 6; round++) {
    for (const [k, make] of Object.entries(variants)) {
      const v = await make();
      const lat: number[] = [];
      for (let i = 0; i < N + 100; i++) {
        const got = new Promise<void>((r) => v.arm(r));
        const t = us();
        v.send();
        await got;
        if (i >= 100) lat.push(us() - t);
        await sleep(1);
      }
      await v.done();
      results[k] ??= [];
      results[k].push(...lat);
      console.log(`round ${round} ${k}: ${q(lat)}`);
    }
  }
  for (const [k, v] of Object.entries(results)) console.log(`all ${k}: ${q(v)}`);
  await pubc.close();
  await subc.close();
}
void main();
