// The copy/status engine the relay runs on: core-as (WASM), behind the interface it shares with its TS reference.
export type { CoreEngine as Engine, SignalInput, SignalResults } from '@sankey/core-as/api';
export { RISK } from '@sankey/core-as/api';
