// The PULL socket's frames into the core: decode (never throws), count by type or by decode-error reason, log
// each kind of bad input at most once a minute, and hand good messages to the core one at a time, in arrival order.
import { decodeInbound } from '@sankey/shared/protocol/codec';
import type { DecodedInbound } from '@sankey/shared/protocol/messages';
import { RateLimitedLog } from '../core/log-limiter';
import type { Logger } from '../core/ports';

export interface InboundMetrics {
  frameIn(type: string): void;
  decodeError(reason: string): void;
}

export class InboundFrames {
  private readonly refusals: RateLimitedLog;

  constructor(
    private readonly handle: (msg: DecodedInbound, receivedAtNs: bigint) => void,
    private readonly metrics: InboundMetrics,
    private readonly log: Logger,
    monoMs: () => number = () => performance.now(),
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
      // Every one counted; logged at most once a minute per reason, so a noisy peer cannot flood the log.
      this.refusals.warn(
        reason,
        { accountId: decoded.error.accountId, detail: decoded.error.message },
        'inbound frame dropped',
      );
      return;
    }
    this.metrics.frameIn(decoded.value.type);
    try {
      this.handle(decoded.value, receivedAtNs);
    } catch (err) {
      // A bug in one handler must not stop the relay: log it and go on with the next frame.
      this.log.error({ err, type: decoded.value.type }, 'handler failed');
    }
  }
}
