// The relay's own logs reach VictoriaLogs (here a local HTTP server) once log shipping is switched on in the
// settings, without a restart, and stop when it is switched off (docs/protocol.md §11.3).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type World, world } from './world';

let w: World;
const server = createServer();
afterEach(async () => {
  await w?.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('relay log shipping', () => {
  it('ships the relay logs as NDJSON once enabled in the settings and stops when disabled', async () => {
    const received: { url: string; entry: Record<string, unknown> }[] = [];
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (d: Buffer) => {
        body += d.toString();
      });
      req.on('end', () => {
        for (const line of body.split('\n').filter(Boolean))
          received.push({ url: req.url ?? '', entry: JSON.parse(line) as Record<string, unknown> });
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    w = await world();
    await w.master('BEFORE');
    await w.admin.updateSettings({
      logShipping: { enabled: true, host, batchSize: 1, flushIntervalSecs: 1 },
    });
    await w.master('M7');
    await expect
      .poll(() => received.find((r) => r.entry.accountId === 'M7' && r.entry._msg === 'EA registered'), {
        timeout: 5000,
      })
      .toMatchObject({
        url: '/insert/jsonline?_stream_fields=source',
        entry: { level: 'info', source: 'relay', eaType: 'Master', _time: expect.any(String) },
      });
    // Only what was logged after shipping was switched on.
    expect(received.some((r) => r.entry.accountId === 'BEFORE')).toBe(false);
    // The relay counts a batch once the endpoint has answered, which is after the server above took its lines.
    await expect
      .poll(() => w.metric('sankey_log_shipping_entries_shipped_total'), { timeout: 5000 })
      .toBeGreaterThan(0);

    await w.admin.updateSettings({ logShipping: { enabled: false } });
    await w.master('M8');
    await new Promise((r) => setTimeout(r, 1500));
    expect(received.some((r) => r.entry.accountId === 'M8')).toBe(false);
  });
});
