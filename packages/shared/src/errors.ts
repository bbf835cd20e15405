// One error class per wire failure, so callers can branch on `instanceof` and log a stable `name`.

/** Why an inbound (or, for the simulator, outbound) frame could not be decoded. */
export type DecodeErrorReason =
  | 'too_large'
  | 'malformed'
  | 'not_a_map'
  | 'duplicate_key'
  | 'unknown_message_type'
  | 'no_message_type_or_action'
  | `missing_field:${string}`
  | `wrong_type:${string}`
  /** An account-id field breaking docs/protocol.md D18 (length, space, `/`, control character). */
  | `bad_account_id:${AccountIdField}`;

export type AccountIdField = 'account_id' | 'source_account' | 'master_account' | 'slave_account';

export class FrameDecodeError extends Error {
  override readonly name = 'FrameDecodeError';
  readonly reason: DecodeErrorReason;
  /** Set for a Heartbeat that failed to decode when `account_id` could still be read (for the log line). */
  readonly accountId: string | undefined;

  constructor(reason: DecodeErrorReason, options?: { accountId?: string; cause?: unknown }) {
    super(
      `cannot decode frame: ${reason}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.reason = reason;
    this.accountId = options?.accountId;
  }
}

export class FrameTooLargeError extends Error {
  override readonly name = 'FrameTooLargeError';
  readonly size: number;
  readonly limit: number;
  readonly topic: string;

  constructor(size: number, limit: number, topic: string, options?: { cause?: unknown }) {
    super(`frame for topic "${topic}" is ${size} bytes, limit is ${limit}`, options);
    this.size = size;
    this.limit = limit;
    this.topic = topic;
  }
}
