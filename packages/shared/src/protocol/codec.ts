// Frame-level codec: inbound dispatch (§1.5), outbound framing `<topic> <msgpack>` with the 4096-byte EA limit
// (§1.2, docs/protocol.md D3), and the EA-side directions used by the simulator and tests.
import { type AccountIdField, type DecodeErrorReason, FrameDecodeError, FrameTooLargeError } from '../errors';
import { isValidAccountId } from './account-id';
import { MAX_INBOUND_FRAME_BYTES, MAX_OUTBOUND_FRAME_BYTES } from './constants';
import type { DecodedInbound, InboundType, OutboundMessage, OutboundType } from './messages';
import { parseMsgpack } from './msgpack/reader';
import { type MapSpec, readMap, writeMap } from './msgpack/schema';
import { MsgpackWriter } from './msgpack/writer';
import {
  globalConfigSpec,
  heartbeatSpec,
  masterConfigSpec,
  positionSnapshotSpec,
  registerSpec,
  requestConfigSpec,
  slaveConfigSpec,
  syncRequestSpec,
  tradeSignalSpec,
  unregisterSpec,
} from './schemas';
import { GLOBAL_CONFIG_TOPIC } from './topics';

export type { DecodeErrorReason } from '../errors';

export type DecodeResult = { ok: true; value: DecodedInbound } | { ok: false; error: FrameDecodeError };

export type DecodedOutboundFrame =
  | { topic: string; message: OutboundMessage }
  | { topic: string; error: FrameDecodeError };

type InboundSpecs = { [K in InboundType]: MapSpec<Extract<DecodedInbound, { type: K }>['message']> };
type OutboundSpecs = { [K in OutboundType]: MapSpec<Extract<OutboundMessage, { type: K }>['message']> };

const INBOUND_SPECS: InboundSpecs = {
  Register: registerSpec,
  Heartbeat: heartbeatSpec,
  RequestConfig: requestConfigSpec,
  Unregister: unregisterSpec,
  PositionSnapshot: positionSnapshotSpec,
  SyncRequest: syncRequestSpec,
  TradeSignal: tradeSignalSpec,
};

const OUTBOUND_SPECS: OutboundSpecs = {
  MasterConfig: masterConfigSpec,
  SlaveConfig: slaveConfigSpec,
  GlobalConfig: globalConfigSpec,
  TradeSignal: tradeSignalSpec,
  SyncRequest: syncRequestSpec,
  PositionSnapshot: positionSnapshotSpec,
};

/** `message_type` values the relay accepts; trade signals carry no `message_type` at all. */
const MESSAGE_TYPES: ReadonlySet<string> = new Set<Exclude<InboundType, 'TradeSignal'>>([
  'Register',
  'Heartbeat',
  'RequestConfig',
  'Unregister',
  'PositionSnapshot',
  'SyncRequest',
]);

/** The account-id fields of each inbound message, checked against D18 after the type checks. */
const ACCOUNT_FIELDS: { [K in InboundType]: readonly AccountIdField[] } = {
  Register: ['account_id'],
  Heartbeat: ['account_id'],
  RequestConfig: ['account_id'],
  Unregister: ['account_id'],
  PositionSnapshot: ['source_account'],
  SyncRequest: ['slave_account', 'master_account'],
  TradeSignal: ['source_account'],
};

const SPACE = 0x20;

// One scratch buffer for every encode: frames are built synchronously, so it is never shared mid-write.
const scratch = new MsgpackWriter(8192);

/**
 * Bad frames can arrive at line rate and their stack is always this module, so skip capturing it (the
 * capture costs more than the decode).
 */
function decodeError(reason: DecodeErrorReason, accountId?: string): FrameDecodeError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new FrameDecodeError(reason, accountId === undefined ? undefined : { accountId });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

const failed = (reason: DecodeErrorReason, accountId?: string): DecodeResult => ({
  ok: false,
  error: decodeError(reason, accountId),
});

/** Decodes one PULL frame. Never throws: every failure is a `FrameDecodeError` with a `reason`. */
export function decodeInbound(frame: Uint8Array): DecodeResult {
  if (frame.length > MAX_INBOUND_FRAME_BYTES) return failed('too_large');
  const parsed = parseMsgpack(frame);
  if (!parsed.ok) return failed(parsed.reason);
  const root = parsed.node;
  if (root.t !== 'map') return failed('not_a_map');

  let type: InboundType;
  const messageType = root.v.get('message_type');
  // nil counts as absent, like the original's `Option<String>` probe.
  if (messageType !== undefined && messageType.t !== 'nil') {
    if (messageType.t !== 'str') return failed('wrong_type:message_type');
    if (!MESSAGE_TYPES.has(messageType.v)) return failed('unknown_message_type');
    type = messageType.v as InboundType;
  } else {
    const action = root.v.get('action');
    if (action === undefined || action.t === 'nil') return failed('no_message_type_or_action');
    type = 'TradeSignal';
  }

  const decoded = readMap(root, INBOUND_SPECS[type] as MapSpec<unknown>);
  if (!decoded.ok) {
    const id = root.v.get('account_id');
    return failed(decoded.reason, type === 'Heartbeat' && id?.t === 'str' ? id.v : undefined);
  }
  // docs/protocol.md D18: such an id could not be addressed by a topic, so the frame is dropped and counted.
  const message = decoded.value as Record<AccountIdField, string>;
  const accountFields = ACCOUNT_FIELDS[type];
  for (let i = 0; i < accountFields.length; i++) {
    const field = accountFields[i]!;
    if (!isValidAccountId(message[field])) return failed(`bad_account_id:${field}`);
  }
  return { ok: true, value: { type, message: decoded.value } as DecodedInbound };
}

function writePayload(msg: OutboundMessage): void {
  writeMap(scratch, OUTBOUND_SPECS[msg.type] as MapSpec<unknown>, msg.message);
}

function assertTopic(topic: string): void {
  // The EA splits the frame at the first space, so a space inside the topic would corrupt the payload.
  if (topic.includes(' ')) throw new TypeError(`topic must not contain a space: "${topic}"`);
}

/**
 * One PUB frame: topic, a space, the MessagePack payload. Throws `FrameTooLargeError` above 4096 bytes and
 * TypeError when a field value does not fit its wire type.
 */
export function encodeOutbound(topic: string, msg: OutboundMessage): Buffer {
  assertTopic(topic);
  scratch.reset();
  scratch.writeUtf8(topic);
  scratch.writeByte(SPACE);
  writePayload(msg);
  if (scratch.pos > MAX_OUTBOUND_FRAME_BYTES) {
    throw new FrameTooLargeError(scratch.pos, MAX_OUTBOUND_FRAME_BYTES, topic);
  }
  return scratch.toBuffer();
}

/** The bare MessagePack payload, for publishing the same message under many topics via `frameWithTopic`. */
export function encodePayload(msg: OutboundMessage): Buffer {
  scratch.reset();
  writePayload(msg);
  return scratch.toBuffer();
}

/** Prefixes an encoded payload with `topic` and a space, allocating only the result. */
export function frameWithTopic(topic: string, payload: Uint8Array): Buffer {
  assertTopic(topic);
  const topicBytes = Buffer.byteLength(topic, 'utf8');
  const size = topicBytes + 1 + payload.length;
  if (size > MAX_OUTBOUND_FRAME_BYTES) throw new FrameTooLargeError(size, MAX_OUTBOUND_FRAME_BYTES, topic);
  const out = Buffer.allocUnsafe(size);
  out.write(topic, 0, topicBytes, 'utf8');
  out[topicBytes] = SPACE;
  out.set(payload, topicBytes + 1);
  return out;
}

/** Encodes an EA → relay message exactly as the bridge DLL does (bare MessagePack, no topic, no size check). */
export function encodeInbound(msg: DecodedInbound): Buffer {
  scratch.reset();
  writeMap(scratch, INBOUND_SPECS[msg.type] as MapSpec<unknown>, msg.message);
  return scratch.toBuffer();
}

/** Which message an EA of `role` expects on `topic` (§1.3 notes); null = the EA ignores the frame. */
function outboundTypeFor(topic: string, role: 'Master' | 'Slave'): OutboundType | null {
  if (topic.startsWith('trade/')) return role === 'Slave' ? 'TradeSignal' : null;
  if (topic.startsWith('sync/')) return role === 'Master' ? 'SyncRequest' : 'PositionSnapshot';
  if (topic === GLOBAL_CONFIG_TOPIC) return 'GlobalConfig';
  if (topic.startsWith('config/')) return role === 'Master' ? 'MasterConfig' : 'SlaveConfig';
  return null;
}

/**
 * Decodes a PUB frame the way an EA of `role` would: split at the first space, pick the type by topic, apply
 * the DLL's defaults. A topic the role ignores yields `unknown_message_type`. Never throws.
 */
export function decodeOutboundFrame(frame: Uint8Array, role: 'Master' | 'Slave'): DecodedOutboundFrame {
  const space = frame.indexOf(SPACE);
  const topicEnd = space === -1 ? frame.length : space;
  const topic = Buffer.from(frame.buffer, frame.byteOffset, topicEnd).toString('utf8');
  const error = (reason: DecodeErrorReason): DecodedOutboundFrame => ({
    topic,
    error: decodeError(reason),
  });
  if (frame.length > MAX_OUTBOUND_FRAME_BYTES) return error('too_large');
  if (space === -1) return error('malformed');
  const type = outboundTypeFor(topic, role);
  if (type === null) return error('unknown_message_type');
  const parsed = parseMsgpack(frame.subarray(space + 1));
  if (!parsed.ok) return error(parsed.reason);
  const decoded = readMap(parsed.node, OUTBOUND_SPECS[type] as MapSpec<unknown>);
  if (!decoded.ok) return error(decoded.reason);
  return { topic, message: { type, message: decoded.value } as OutboundMessage };
}
