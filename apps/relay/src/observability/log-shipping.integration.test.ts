// Log shipping against a local HTTP server standing in for VictoriaLogs: it fails, times out, then recovers; the
// shipper retries after the exact backoff delays and drops the oldest waiting entries when its buffer is full.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LogShipping } from '@sankey/shared/domain/settings';
import { type BackoffPolicy, backoffDelay, type FailureClass } from '@sankey/shared/retry';
import { afterEach, describe, expect, it } from 'vitest';
import { LogShipper, type LogShippingMetrics, postNdjson, type ShippingDropReason } from './log-shipping';

type Behaviour = 'fail' | 'hang' | 'ok';
interface Endpoint {
  server: Server;
  host: string;
  requests: { url: string; contentType: string | undefined; lines: Record<string, unknown>[] }[];
  next: Behaviour[];
  otherwise: Behaviour;
}

const endpoints: Endpoint[] = [];
afterEach(async () => {
  for (const e of endpoints.splice(0)) {
    e.server.closeAllConnections();
    await new Promise((r) => e.server.close(r));
  }
});

async function victoriaLogs(next: Behaviour[], otherwise: Behaviour = 'ok'): Promise<Endpoint> {
  const e: Endpoint = { server: createServer(), host: '', requests: [], next, otherwise };
  e.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      const behaviour = e.next.shift() ?? e.otherwise;
      e.requests.push({
        url: req.url ?? '',
        contentType: req.headers['content-type'],
        lines: body
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      });
      if (behaviour === 'hang') return;
      // A fresh connection per request: no failure comes from reusing a socket whose request was abandoned.
      res.setHeader('connection', 'close');
      res.statusCode = behaviour === 'ok' ? 204 : 503;
      res.end();
    });
  });
  await new Promise<void>((r) => e.server.listen(0, '127.0.0.1', r));
  e.host = `http://127.0.0.1:${(e.server.address() as AddressInfo).port}`;
  endpoints.push(e);
  return e;
}

class CountingMetrics implements LogShippingMetrics {
  shipped = 0;
  dropped: Partial<Record<ShippingDropReason, number>> = {};
  failures: Partial<Record<FailureClass, number>> = {};
  logsShipped(n: number): void {
    this.shipped += n;
  }
  logsDropped(reason: ShippingDropReason, n: number): void {
    this.dropped[reason] = (this.dropped[reason] ?? 0) + n;
  }
  logShippingFailed(c: FailureClass): void {
    this.failures[c] = (this.failures[c] ?? 0) + 1;
  }
}

const backoff: BackoffPolicy = {
  baseMs: 40,
  maxMs: 1000,
  maxAttempts: Number.POSITIVE_INFINITY,
  jitter: 0.2,
};
const random = () => 0.9;

function shipper() {
  const metrics = new CountingMetrics();
  const delays: number[] = [];
  const s = new LogShipper(
    {
      post: postNdjson,
      setTimer: (fn, ms) => {
        delays.push(ms);
        const t = setTimeout(fn, ms);
        return { cancel: () => clearTimeout(t) };
      },
      random,
      metrics,
    },
    // Every request here waits this long only when the server hangs on purpose; at 300 ms an answered request on a
    // loaded machine timed out too (one failure more than the test counts).
    { capacity: 1000, backoff, requestTimeoutMs: 2000, source: 'relay' },
  );
  return { s, metrics, delays };
}

const settings = (host: string, patch: Partial<LogShipping> = {}): LogShipping => ({
  enabled: true,
  host,
  batchSize: 3,
  flushIntervalSecs: 60,
  logLevel: 'INFO',
  ...patch,
});

const pinoLine = (i: number, level = 30) =>
  JSON.stringify({ level, time: Date.UTC(2026, 0, 1, 0, 0, i), pid: 1, hostname: 'h', msg: `entry ${i}`, i });

describe('log shipping', () => {
  it('retries a batch after an error and a timeout with the exact backoff, then delivers it once as NDJSON', async () => {
    const vl = await victoriaLogs(['fail', 'hang']);
    const { s, metrics, delays } = shipper();
    s.configure(settings(vl.host));
    s.write(pinoLine(1));
    s.write(pinoLine(2, 20)); // debug: below the configured INFO
    s.write(pinoLine(3, 40));
    s.write(pinoLine(4, 50)); // the third entry at INFO or above fills the batch: sent at once
    await expect.poll(() => metrics.shipped, { timeout: 10_000 }).toBe(3);

    expect(vl.requests).toHaveLength(3);
    expect(metrics.failures).toEqual({ transient: 2 });
    // The first entry armed the flush interval (60 s); then the retry delays, exactly the shared backoff's for
    // attempts 1 and 2 with the injected randomness.
    expect(delays).toEqual([60_000, backoffDelay(1, backoff, random), backoffDelay(2, backoff, random)]);
    expect(delays).toEqual([60_000, 46, 93]);
    const last = vl.requests[2]!;
    expect(last.url).toBe('/insert/jsonline?_stream_fields=source');
    expect(last.contentType).toBe('application/x-ndjson');
    expect(last.lines).toEqual([
      { _time: '2026-01-01T00:00:01.000Z', _msg: 'entry 1', level: 'info', source: 'relay', i: 1 },
      { _time: '2026-01-01T00:00:03.000Z', _msg: 'entry 3', level: 'warn', source: 'relay', i: 3 },
      { _time: '2026-01-01T00:00:04.000Z', _msg: 'entry 4', level: 'error', source: 'relay', i: 4 },
    ]);
    // The same batch each time: nothing lost, nothing doubled.
    expect(vl.requests.map((r) => r.lines.length)).toEqual([3, 3, 3]);
    await s.close();
  });

  it('drops the oldest waiting entries when the buffer is full, counts them, and ships the rest in order', async () => {
    const vl = await victoriaLogs([], 'fail');
    const { s, metrics } = shipper();
    s.configure(settings(vl.host, { batchSize: 500 }));
    for (let i = 0; i < 1200; i++) s.write(pinoLine(i));
    expect(metrics.dropped).toEqual({ buffer_full: 200 });
    expect(s.buffered).toBe(1000);
    await expect.poll(() => vl.requests.length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    vl.otherwise = 'ok';
    await expect.poll(() => metrics.shipped, { timeout: 5000 }).toBe(1000);
    const shipped = vl.requests
      .slice(-2)
      .flatMap((r) => r.lines)
      .map((l) => l.i);
    // The batch in flight (0–499) stayed whole; 500–699 were the oldest waiting behind it.
    expect(shipped).toEqual([
      ...Array.from({ length: 500 }, (_, i) => i),
      ...Array.from({ length: 500 }, (_, i) => 700 + i),
    ]);
    await s.close();
  });

  it('flushes a partial batch after the interval, stops when disabled and starts again when enabled', async () => {
    const vl = await victoriaLogs([]);
    const { s, metrics } = shipper();
    s.write(pinoLine(1)); // no settings yet: nothing kept
    s.configure(settings(vl.host, { flushIntervalSecs: 1 }));
    s.write(pinoLine(2));
    await expect.poll(() => metrics.shipped, { timeout: 3000 }).toBe(1);
    expect(vl.requests[0]!.lines.map((l) => l.i)).toEqual([2]);

    s.configure(settings(vl.host, { enabled: false }));
    s.write(pinoLine(3));
    expect(s.buffered).toBe(0);
    s.configure(settings(vl.host, { batchSize: 1 }));
    s.write(pinoLine(4));
    await expect.poll(() => metrics.shipped, { timeout: 3000 }).toBe(2);
    expect(vl.requests.flatMap((r) => r.lines.map((l) => l.i))).toEqual([2, 4]);
    await s.close();
  });

  it('drops a batch the endpoint refuses with a 4xx instead of retrying it, and waits the backoff before the next', async () => {
    const vl = await victoriaLogs([]);
    vl.server.removeAllListeners('request');
    vl.server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
      vl.requests.push({ url: '', contentType: undefined, lines: [] });
      res.statusCode = 400;
      res.end();
    });
    const { s, metrics, delays } = shipper();
    s.configure(settings(vl.host, { batchSize: 1 }));
    s.write(pinoLine(1));
    await expect.poll(() => metrics.dropped, { timeout: 3000 }).toEqual({ rejected: 1 });
    expect(metrics.failures).toEqual({ permanent: 1 });
    expect(vl.requests).toHaveLength(1);
    // Not sent again; the next entry goes out only after the backoff.
    s.write(pinoLine(2));
    expect(delays).toEqual([backoffDelay(1, backoff, random)]);
    await expect.poll(() => metrics.dropped, { timeout: 3000 }).toEqual({ rejected: 2 });
    expect(vl.requests).toHaveLength(2);
    await s.close();
  });

  it('gives what is buffered one last try on close', async () => {
    const vl = await victoriaLogs([]);
    const { s, metrics } = shipper();
    s.configure(settings(vl.host, { batchSize: 100 }));
    s.write(pinoLine(1));
    s.write(pinoLine(2));
    await s.close(1000);
    expect(metrics.shipped).toBe(2);
    expect(vl.requests.flatMap((r) => r.lines.map((l) => l.i))).toEqual([1, 2]);
  });
});
