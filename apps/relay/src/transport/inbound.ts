// The PULL socket's frames into the core: decode (never throws), count by type or by decode-error reason, log
// each kind of bad input at most once a minute, drop (and count) frames of blocked EAs, and hand good messages to
// the core one at a time, in arrival order.
import { decodeInbound } from '@sankey/shared/protocol/codec';
import type { DecodedInbound } from '@sankey/shared/protocol/messages';
import { RateLimitedLog } from '../core/log-limiter';
import type { Logger } from '../core/ports';
import { senderOf } from '../observability/endpoint-stats';

export interface InboundMetrics {
  frameIn(type: string): void;
  decodeError(reason: string): void;
}

/** Per-EA figures and the blocklist (docs/api.md, endpoints and blocklist); absent in tests that do not need them. */
export interface InboundEndpoints {
  isBlocked(accountId: string): boolean;
  frameIn(accountId: string, bytes: number): void;
  decodeError(accountId: string | undefined, bytes: number): void;
  blockedFrame(accountId: string): void;
}

export class InboundFrames {
  private readonly refusals: RateLimitedLog;

  constructor(
    private readonly handle: (msg: DecodedInbound, receivedAtNs: bigint) => void,
    private readonly metrics: InboundMetrics,
    private readonly log: Logger,
    monoMs: () => number = () => performance.now(),
    private readonly endpoints?: InboundEndpoints,
  ) {
    this.refusals = new RateLimitedLog(log, monoMs);
  }

  /** One inbound frame, handled to the end before the next is read. */
  onFrame(frame: Buffer, receivedAtNs: bigint): void {
    const decoded = decodeInbound(frame);
    if (!decoded.ok) {
      const { reason } = decoded.error;
      this.metrics.decodeError(reason);
      this.metrics.frameIn('invalid');
      this.endpoints?.decodeError(decoded.error.accountId, frame.length);
      // Every one counted; logged at most once a minute per reason, so a noisy peer cannot flood the log.
      this.refusals.warn(
        reason,
        { accountId: decoded.error.accountId, detail: decoded.error.message },
        'inbound frame dropped',
      );
      return;
    }
    const sender = senderOf(decoded.value);
    if (this.endpoints?.isBlocked(sender)) {
      this.metrics.frameIn('blocked');
      this.endpoints.blockedFrame(sender);
      return;
    }
    this.metrics.frameIn(decoded.value.type);
    this.endpoints?.frameIn(sender, frame.length);
    try {
      this.handle(decoded.value, receivedAtNs);
    } catch (err) {
      // A bug in one handler must not stop the relay: log it and go on with the next frame.
      this.log.error({ err, type: decoded.value.type }, 'handler failed');
    }
  }
}
