// Loads build/release.wasm synchronously (compiled once per process, instantiated per engine).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The repo's lib set (ES2023 + @types/node 20) has no WebAssembly JS API types: declare the part we use.
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface CoreExports {
  readonly memory: WasmMemory;
  heapBase(): number;
  hashPut(table: number, mask: number, member: number, kind: number, id: number, value: number): void;
  buildSymbolColumn(
    hdr: number,
    rawId: number,
    coreId: number,
    ident: number,
    colVerdict: number,
    colOut: number,
  ): void;
  evaluateSignal(
    hdr: number,
    sig: number,
    lots: number,
    magicLo: number,
    magicHi: number,
    ageMs: number,
    colVerdict: number,
    colOut: number,
    outReason: number,
    outSym: number,
  ): void;
  evaluateMaster(intent: number, online: number, tradeAllowed: number): number;
  evaluateMembers(
    n: number,
    enabled: number,
    online: number,
    trade: number,
    masterStatus: number,
    masterWarnings: number,
    outStatus: number,
    outWarnings: number,
    outAllow: number,
  ): void;
}

export const WASM_PATH = fileURLToPath(new URL('../../build/release.wasm', import.meta.url));

let compiled: object | undefined;

export function instantiateCore(): CoreExports {
  if (!compiled) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(WASM_PATH);
    } catch (cause) {
      throw new Error(`core-as: ${WASM_PATH} is missing; run \`npm run build -w @sankey/core-as\``, {
        cause,
      });
    }
    compiled = new wasm.Module(bytes);
  }
  // Built with `--use abort=`: the module imports nothing.
  return new wasm.Instance(compiled, {}).exports as unknown as CoreExports;
}
