// The relay's own logs to VictoriaLogs, as the global settings' `logShipping` says (docs/protocol.md §11.3,
// docs/architecture.md, Observability): each pino line becomes one JSON line, POSTed in NDJSON batches to
// `<host>/insert/jsonline?_stream_fields=source` when a batch is full or every `flushIntervalSecs`. The buffer is
// bounded; a failed batch is retried with backoff and jitter (docs/protocol.md D20) and never blocks logging.
import type { LogShipping } from '@sankey/shared/domain/settings';
import { type BackoffPolicy, backoffDelay, classifyFailure, type FailureClass } from '@sankey/shared/retry';
import type { Logger } from '../core/ports';

export type ShippingDropReason = 'buffer_full' | 'rejected' | 'disabled' | 'shutdown';

export interface LogShippingMetrics {
  logsShipped(n: number): void;
  logsDropped(reason: ShippingDropReason, n: number): void;
  logShippingFailed(failureClass: FailureClass): void;
}

export interface LogShipperDeps {
  /** POSTs one batch; rejects on a network error, a timeout or a non-2xx answer (with `status`). */
  post(url: string, body: string, timeoutMs: number): Promise<void>;
  setTimer(fn: () => void, ms: number): { cancel(): void };
  random(): number;
  metrics: LogShippingMetrics;
  /** Where the shipper reports a failing or recovered endpoint (these lines are shipped too, once it works). */
  log?: Logger;
}

export interface LogShipperOptions {
  /** Entries held at most; when full, the oldest entry not in flight is dropped and counted. */
  capacity: number;
  backoff: BackoffPolicy;
  requestTimeoutMs: number;
  /** The stream field VictoriaLogs groups the entries by. */
  source: string;
}

export const DEFAULT_LOG_SHIPPER_OPTIONS: LogShipperOptions = {
  capacity: 1000,
  // Retried as long as it takes (the buffer bounds what waits); maxAttempts is not used here.
  backoff: { baseMs: 1000, maxMs: 60_000, maxAttempts: Number.POSITIVE_INFINITY, jitter: 0.2 },
  requestTimeoutMs: 10_000,
  source: 'relay',
};

export class LogShippingHttpError extends Error {
  override readonly name = 'LogShippingHttpError';
  constructor(readonly status: number) {
    super(`log shipping endpoint answered HTTP ${status}`);
  }
}

/** The real POST: fetch with a timeout; anything but 2xx is an error carrying the status. */
export async function postNdjson(url: string, body: string, timeoutMs: number): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.body?.cancel();
  if (!res.ok) throw new LogShippingHttpError(res.status);
}

const PINO_LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const MIN_LEVEL: Record<LogShipping['logLevel'], number> = { DEBUG: 20, INFO: 30, WARN: 40, ERROR: 50 };

export class LogShipper {
  private queue: string[] = [];
  /** The first `sending` entries of the queue are the batch in flight. */
  private sending = 0;
  private inFlight: Promise<void> | null = null;
  private url: string | null = null;
  private settings: LogShipping | null = null;
  private flushTimer: { cancel(): void } | null = null;
  private retryTimer: { cancel(): void } | null = null;
  private failures = 0;
  /** Bumped when the endpoint changes or shipping stops: an answer for an older batch is then ignored. */
  private generation = 0;
  private closed = false;

  constructor(
    private readonly deps: LogShipperDeps,
    private readonly opts: LogShipperOptions = DEFAULT_LOG_SHIPPER_OPTIONS,
  ) {}

  get buffered(): number {
    return this.queue.length;
  }

  /** Applies the settings now (at start and on every `settings.updated`). */
  configure(settings: LogShipping): void {
    const host = settings.host.trim().replace(/\/+$/, '');
    const url = settings.enabled && host ? `${host}/insert/jsonline?_stream_fields=source` : null;
    this.settings = settings;
    if (url === this.url) return;
    this.generation++;
    this.cancelTimers();
    this.sending = 0;
    this.inFlight = null;
    this.failures = 0;
    if (!url && this.queue.length > 0) {
      this.deps.metrics.logsDropped('disabled', this.queue.length);
      this.queue = [];
    }
    this.url = url;
    this.schedule();
  }

  /** One pino JSON line. Cheap when shipping is off. */
  write(line: string): void {
    if (!this.url || this.closed || !this.settings) return;
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const { level, time, msg, pid: _pid, hostname: _host, ...fields } = obj;
    const rank = typeof level === 'number' ? level : 30;
    if (rank < MIN_LEVEL[this.settings.logLevel]) return;
    this.push(
      JSON.stringify({
        ...fields,
        _time: new Date(typeof time === 'number' ? time : Date.now()).toISOString(),
        _msg: typeof msg === 'string' ? msg : '',
        level: PINO_LEVELS[rank] ?? String(level),
        source: this.opts.source,
      }),
    );
  }

  private push(entry: string): void {
    if (this.queue.length >= this.opts.capacity) {
      // The batch in flight stays whole; the oldest entry waiting behind it goes.
      if (this.sending < this.queue.length) this.queue.splice(this.sending, 1);
      else {
        this.queue.shift();
        this.sending--;
      }
      this.deps.metrics.logsDropped('buffer_full', 1);
    }
    this.queue.push(entry);
    this.schedule();
  }

  private batchSize(): number {
    // At most half the buffer, so that new entries always have room behind the batch in flight.
    return Math.max(1, Math.min(this.settings?.batchSize ?? 100, Math.floor(this.opts.capacity / 2)));
  }

  private schedule(): void {
    if (!this.url || this.closed || this.inFlight || this.retryTimer || this.queue.length === 0) return;
    if (this.queue.length >= this.batchSize()) {
      this.send();
      return;
    }
    this.flushTimer ??= this.deps.setTimer(
      () => {
        this.flushTimer = null;
        this.send();
      },
      (this.settings?.flushIntervalSecs ?? 5) * 1000,
    );
  }

  private send(): void {
    const url = this.url;
    if (!url || this.inFlight || this.queue.length === 0) return;
    this.flushTimer?.cancel();
    this.flushTimer = null;
    this.sending = Math.min(this.queue.length, this.batchSize());
    const body = `${this.queue.slice(0, this.sending).join('\n')}\n`;
    const generation = this.generation;
    this.inFlight = this.deps.post(url, body, this.opts.requestTimeoutMs).then(
      () => {
        if (generation !== this.generation) return;
        this.deps.metrics.logsShipped(this.sending);
        this.queue.splice(0, this.sending);
        this.sending = 0;
        this.inFlight = null;
        if (this.failures > 0) this.deps.log?.info({ failures: this.failures }, 'log shipping recovered');
        this.failures = 0;
        this.schedule();
      },
      (err: unknown) => {
        if (generation !== this.generation) return;
        this.failed(err);
      },
    );
  }

  private failed(err: unknown): void {
    const failureClass = classifyFailure(err);
    this.deps.metrics.logShippingFailed(failureClass);
    const n = this.sending;
    this.sending = 0;
    this.inFlight = null;
    if (this.closed) return;
    if (failureClass === 'permanent') {
      // The endpoint refuses this batch (e.g. HTTP 400): sending it again cannot help.
      this.queue.splice(0, n);
      this.deps.metrics.logsDropped('rejected', n);
    }
    // The next batch waits for the backoff too, also after a refusal: the warning below is itself shipped, and
    // must not turn a refusing endpoint into a request loop.
    this.failures++;
    const delayMs = backoffDelay(this.failures, this.opts.backoff, this.deps.random);
    this.retryTimer = this.deps.setTimer(() => {
      this.retryTimer = null;
      if (this.queue.length > 0) this.send();
    }, delayMs);
    // Once per outage: the retries are counted in the metrics, not logged one by one.
    if (this.failures === 1) {
      this.deps.log?.warn(
        { err, delayMs, failureClass, ...(failureClass === 'permanent' && { dropped: n }) },
        'log shipping failed; retrying with backoff',
      );
    }
  }

  /** Stops the timers and gives what is buffered one last try, within `timeoutMs`. */
  async close(timeoutMs = 2000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cancelTimers();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((r) => {
      timer = setTimeout(r, timeoutMs);
    });
    const last = (async () => {
      await this.inFlight;
      const url = this.url;
      const left = this.queue.length;
      if (!url || left === 0) return;
      this.generation++;
      const body = `${this.queue.join('\n')}\n`;
      this.queue = [];
      await this.deps.post(url, body, Math.min(timeoutMs, this.opts.requestTimeoutMs)).then(
        () => this.deps.metrics.logsShipped(left),
        () => this.deps.metrics.logsDropped('shutdown', left),
      );
    })();
    await Promise.race([last, deadline]);
    clearTimeout(timer);
  }

  private cancelTimers(): void {
    this.flushTimer?.cancel();
    this.flushTimer = null;
    this.retryTimer?.cancel();
    this.retryTimer = null;
  }
}

/** The relay's shipper deps: real HTTP and timers; `log` is read lazily (the logger is built after the shipper). */
export function relayShipperDeps(metrics: LogShippingMetrics, log: () => Logger): LogShipperDeps {
  return {
    post: postNdjson,
    setTimer: (fn, ms) => {
      const t = setTimeout(fn, ms);
      return { cancel: () => clearTimeout(t) };
    },
    random: Math.random,
    metrics,
    log: {
      debug: (o, m) => log().debug(o, m),
      info: (o, m) => log().info(o, m),
      warn: (o, m) => log().warn(o, m),
      error: (o, m) => log().error(o, m),
    },
  };
}
