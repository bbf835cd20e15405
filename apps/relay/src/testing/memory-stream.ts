// A throwaway JetStream stream on the machine's nats-server for integration tests: in memory, a random name, the
// 2-minute dedup window of the cluster's signal stream; `remove` deletes it and closes the connection.
import { randomBytes } from 'node:crypto';
import { jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect, type NatsConnection, nanos } from '@nats-io/transport-node';

export interface MemoryStream {
  nc: NatsConnection;
  /** The stream's name; its subjects are `<name>.>`. */
  name: string;
  remove(): Promise<void>;
}

export async function memoryStream(prefix: string): Promise<MemoryStream> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const nc = await connect({ servers: 'nats://127.0.0.1:4222' });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({
    name,
    subjects: [`${name}.>`],
    storage: StorageType.Memory,
    duplicate_window: nanos(120_000),
  });
  return {
    nc,
    name,
    async remove() {
      await jsm.streams.delete(name).catch(() => {});
      await nc.close();
    },
  };
}
