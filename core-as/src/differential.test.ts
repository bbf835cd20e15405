import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createReferenceEngine } from './reference/engine';
import { historyArb, runHistory, statusCaseArb, statusTranscript } from './testing/scenario';
import { createWasmEngine } from './wasm/engine';

// 5,000 + 1,000 copy histories (each several signals over compiles/removals/status changes) + 5,000 status cases.
const COPY_RUNS = 5000;
const STATUS_RUNS = 5000;

describe('WASM engine equals the reference', () => {
  it('copy filter and symbol transform, over random engine histories', () => {
    fc.assert(
      fc.property(historyArb, fc.boolean(), (history, compactEagerly) => {
        const wasm = createWasmEngine({ compactFloorBytes: compactEagerly ? 0 : undefined });
        runHistory(wasm, createReferenceEngine(), history);
      }),
      { numRuns: COPY_RUNS },
    );
  });

  it('copy results survive memory growth, compaction, symbol-table rebuilds and column eviction on a long-lived engine', () => {
    // maxSymbols 32: the symbol table is rebuilt from the compiled masters over and over.
    const wasm = createWasmEngine({ compactFloorBytes: 0, symbolColumnBudgetBytes: 64, maxSymbols: 32 });
    const ref = createReferenceEngine();
    fc.assert(
      fc.property(historyArb, (history) => runHistory(wasm, ref, history)),
      { numRuns: 1000 },
    );
    expect(wasm.stats().symbolCompactions).toBeGreaterThan(0);
  });

  it('status evaluation (master, members, change detection)', () => {
    const wasm = createWasmEngine();
    const ref = createReferenceEngine();
    fc.assert(
      fc.property(statusCaseArb, (c) => {
        expect(statusTranscript(wasm, c)).toEqual(statusTranscript(ref, c));
      }),
      { numRuns: STATUS_RUNS },
    );
  });
});
