// The PULL socket's frames into the core: decode (never throws), count by type or by decode-error reason, log
// each kind of bad input once, and hand good messages to the core one at a time, in arrival order.
import { decodeInbound } from '@sankey/shared/protocol/codec';
import type { DecodedInbound } from '@sankey/shared/protocol/messages';
import type { Logger } from '../core/ports';

export interface InboundMetrics {
  frameIn(type: string): void;
  decodeError(reason: string): void;
}

export class InboundFrames {
  private readonly loggedReasons = new Set<string>();

  constructor(
    private readonly handle: (msg: DecodedInbound, receivedAtNs: bigint) => void,
    private readonly metrics: InboundMetrics,
    private readonly log: Logger,
  ) {}

  /** One inbound frame, handled to the end before the next is read. */
  onFrame(frame: Buffer, receivedAtNs: bigint): void {
    const decoded = decodeInbound(frame);
    if (!decoded.ok) {
      const { reason } = decoded.error;
      this.metrics.decodeError(reason);
      this.metrics.frameIn('invalid');
      // Logged once per reason, then only counted, so a noisy peer cannot flood the log.
      if (!this.loggedReasons.has(reason)) {
        this.loggedReasons.add(reason);
        this.log.warn(
          { reason, accountId: decoded.error.accountId, detail: decoded.error.message },
          'inbound frame dropped',
        );
      }
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
