// Public entry of the EA simulator: `import { SimMaster, SimSlave } from '@sankey/ea-sim'`.
export { EventLog } from './event-log';
export {
  buildCloseSignal,
  buildModifySignal,
  buildOpenSignal,
  buildSnapshot,
  stripAffixes,
  toPositionInfo,
} from './master-dll';
export {
  describeFrame,
  describeSent,
  type FramePredicate,
  type Mark,
  SimEa,
  type StopOptions,
  type WaitOptions,
} from './sim-ea';
export { SimMaster, type SimMasterOptions } from './sim-master';
export { SimSlave, type SimSlaveOptions, type SlaveMark } from './sim-slave';
export {
  type ConfigEffect,
  processTradeSignal,
  type SignalContext,
  type SignalOutcome,
  SlaveBrain,
  type SlaveBrainOptions,
  type SnapshotOutcome,
  transformLots,
} from './slave-dll';
export type * from './types';
