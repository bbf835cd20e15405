// socket.io connection to the relay (docs/api.md, Realtime events). The relay's HTTP port comes from `system.status`; the handshake
// carries a short-lived token from `system.socketToken`, fetched again before it expires and after a refused
// handshake, so reconnects always present a valid one.
import type { ClientToServerEvents, RelayEventName, ServerToClientEvents } from '@sankey/shared/api/events';
import { io, type Socket } from 'socket.io-client';
import type { LiveStore } from '../ui/live/store';
import type { ApiClient } from './trpc';

const RELAY_EVENTS: RelayEventName[] = [
  'system_snapshot',
  'trade_received',
  'trade_copied',
  'trade_filtered',
  'position_snapshot',
  'sync_request',
  'ea_connected',
  'ea_disconnected',
  'settings_updated',
  'member_added',
  'member_updated',
  'member_status_changed',
  'member_deleted',
  'member_delivery',
  'global_settings_updated',
  'delivery_failed',
  'ea_throttled',
  'ea_recovered',
];

/** Renew this long before the token's expiry. */
const RENEW_MARGIN_MS = 60_000;

export function relayUrl(location: { protocol: string; hostname: string }, relayHttpPort: number): string {
  return `${location.protocol}//${location.hostname}:${relayHttpPort}`;
}

export class TokenCache {
  private current: { token: string; expiresAtMs: number } | null = null;
  private inflight: Promise<string> | null = null;

  constructor(
    private readonly fetchToken: () => Promise<{ token: string; expiresAt: string }>,
    private readonly now: () => number = Date.now,
  ) {}

  invalidate() {
    this.current = null;
  }

  /** A token valid for at least RENEW_MARGIN_MS more. */
  get(): Promise<string> {
    if (this.current && this.current.expiresAtMs - this.now() > RENEW_MARGIN_MS) {
      return Promise.resolve(this.current.token);
    }
    this.inflight ??= this.fetchToken()
      .then((t) => {
        this.current = { token: t.token, expiresAtMs: Date.parse(t.expiresAt) };
        return t.token;
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }

  /** Milliseconds until the token should be renewed (for a keep-fresh timer). */
  renewInMs(): number {
    if (!this.current) return 0;
    return Math.max(5_000, this.current.expiresAtMs - this.now() - RENEW_MARGIN_MS);
  }
}

export function connectRelay(api: ApiClient, store: LiveStore, onUnauthorized: (err: unknown) => void) {
  let socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  let renewTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  const tokens = new TokenCache(() => api.system.socketToken.query());

  const keepFresh = () => {
    if (closed) return;
    renewTimer = setTimeout(() => {
      tokens.get().catch(onUnauthorized).finally(keepFresh);
    }, tokens.renewInMs());
  };

  const start = async () => {
    store.setSocket('connecting');
    let port: number;
    try {
      port = (await api.system.status.query()).ports.relayHttp;
      await tokens.get();
    } catch (err) {
      onUnauthorized(err);
      store.setSocket('offline');
      if (!closed) renewTimer = setTimeout(start, 5_000);
      return;
    }
    if (closed) return;
    keepFresh();
    socket = io(relayUrl(window.location, port), {
      auth: (cb) => {
        tokens.get().then(
          (token) => cb({ token }),
          () => cb({ token: '' }),
        );
      },
      transports: ['websocket', 'polling'],
      reconnectionDelayMax: 5_000,
    });
    socket.on('connect', () => store.setSocket('connected'));
    socket.on('disconnect', () => store.setSocket('connecting'));
    socket.on('connect_error', () => {
      tokens.invalidate();
      store.setSocket('offline');
    });
    for (const name of RELAY_EVENTS) {
      socket.on(name, ((payload: never) => store.handleEvent(name, payload)) as never);
    }
  };
  void start();

  return () => {
    closed = true;
    if (renewTimer) clearTimeout(renewTimer);
    socket?.disconnect();
  };
}
