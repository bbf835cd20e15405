// Entry point for the relay: one contract, two interchangeable engines.
export * from './api';
export { createReferenceEngine, type ReferenceEngineOptions } from './reference/engine';
export { createWasmEngine, type WasmEngineOptions } from './wasm/engine';
