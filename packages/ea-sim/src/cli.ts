// `npm run sim -- master|slave --account ID [...]`: one simulated EA printing one line per event.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DEFAULT_PORTS } from '@sankey/shared/defaults';
import { ORDER_TYPES, type OrderType } from '@sankey/shared/protocol/constants';
import { defaultDataDir } from './env';
import { describeFrame, describeSent, type SimEa } from './sim-ea';
import { SimMaster } from './sim-master';
import { SimSlave } from './sim-slave';
import type { IgnoredSignal, SlaveCommand, SyncedPosition } from './types';

const USAGE = `usage: npm run sim -- master|slave --account ID [options]
  --receiver URL         relay PULL endpoint (default from runtime.json, else tcp://127.0.0.1:${DEFAULT_PORTS.receiver})
  --publisher URL        relay PUB endpoint (default from runtime.json, else tcp://127.0.0.1:${DEFAULT_PORTS.publisher})
  --data-dir DIR         read ports from DIR/runtime.json when endpoints are not given
                         (default $SANKEY_DATA_DIR, else <repo>/data)
  --auto-trading on|off  initial MT auto-trading switch (default on)
  --trade-every-ms N     master only: open/modify/close random trades every N ms
  --symbols A,B          symbols for random trades (default EURUSD,GBPUSD,XAUUSD)
  --balance N --equity N account figures (default 10000)
  --platform MT4|MT5     (default MT5)
  --hide-heartbeats      do not print sent heartbeats
stdin commands: auto on|off, equity N, open SYMBOL TYPE LOTS, close TICKET [RATIO], modify TICKET SL TP, quit`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function readRuntimePorts(dir: string): { receiver?: number; publisher?: number } {
  try {
    const info = JSON.parse(readFileSync(join(dir, 'runtime.json'), 'utf8')) as {
      ports?: { receiver?: number; publisher?: number };
    };
    return info.ports ?? {};
  } catch {
    return {};
  }
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        account: { type: 'string' },
        receiver: { type: 'string' },
        publisher: { type: 'string' },
        'data-dir': { type: 'string' },
        'auto-trading': { type: 'string', default: 'on' },
        'trade-every-ms': { type: 'string' },
        symbols: { type: 'string', default: 'EURUSD,GBPUSD,XAUUSD' },
        balance: { type: 'string' },
        equity: { type: 'string' },
        platform: { type: 'string', default: 'MT5' },
        'hide-heartbeats': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    return fail((err as Error).message);
  }
})();

if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const role = positionals[0];
if (role !== 'master' && role !== 'slave') fail('first argument must be master or slave');
const account = values.account;
if (!account) fail('--account is required');
if (values['auto-trading'] !== 'on' && values['auto-trading'] !== 'off')
  fail('--auto-trading must be on or off');
if (values.platform !== 'MT4' && values.platform !== 'MT5') fail('--platform must be MT4 or MT5');

const ports = readRuntimePorts(values['data-dir'] ?? defaultDataDir());
const receiverEndpoint = values.receiver ?? `tcp://127.0.0.1:${ports.receiver ?? DEFAULT_PORTS.receiver}`;
const publisherEndpoint = values.publisher ?? `tcp://127.0.0.1:${ports.publisher ?? DEFAULT_PORTS.publisher}`;
const num = (v: string | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) fail(`${name} must be a number`);
  return n;
};
const balance = num(values.balance, '--balance') ?? 10_000;
const equity = num(values.equity, '--equity') ?? balance;
const tradeEveryMs = num(values['trade-every-ms'], '--trade-every-ms');
const symbols = values.symbols
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

const options = {
  accountId: account,
  receiverEndpoint,
  publisherEndpoint,
  platform: values.platform as 'MT4' | 'MT5',
  balance,
  equity,
  isTradeAllowed: values['auto-trading'] === 'on',
};
const ea: SimEa = role === 'master' ? new SimMaster(options) : new SimSlave(options);

const line = (tag: string, text: string): void => {
  process.stdout.write(`${new Date().toISOString()} ${ea.role} ${account} ${tag} ${text}\n`);
};

ea.on('sent', (s) => {
  if (values['hide-heartbeats'] && s.message?.type === 'Heartbeat') return;
  line('SEND', describeSent(s));
});
ea.on('received', (f) => line('RECV', describeFrame(f)));
ea.on('subscribed', (topic: string) => line('SUB ', topic));
ea.on('command', (c: SlaveCommand) =>
  line(
    'CMD ',
    `${c.kind} #${c.ticket} ${c.symbol ?? ''} ${c.orderType ?? ''} lots=${c.lots ?? '-'}` +
      `${c.closeRatio !== undefined ? ` ratio=${c.closeRatio}` : ''}${c.delayed ? ' delayed' : ''} latency=${c.latencyMs}ms (${c.topic})`,
  ),
);
ea.on('ignored', (i: IgnoredSignal) =>
  line('SKIP', `${i.reason}: ${i.signal.action} #${i.signal.ticket} (${i.topic})`),
);
ea.on('synced', (list: SyncedPosition[]) => {
  for (const p of list) line('SYNC', `${p.syncMode} #${p.ticket} ${p.symbol} ${p.orderType} lots=${p.lots}`);
});
ea.on('warning', (err: unknown) => line('WARN', String(err)));

let nextTicket = 100_000 + Math.floor(Math.random() * 100_000);
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;
const round = (n: number, d: number): number => Number(n.toFixed(d));

async function randomTrade(master: SimMaster): Promise<void> {
  const open = master.positions();
  const r = Math.random();
  if (open.length === 0 || (open.length < 5 && r < 0.5)) {
    const symbol = pick(symbols);
    const price =
      symbol.includes('XAU') || symbol.includes('GOLD') ? 2000 + Math.random() * 100 : 1 + Math.random();
    const digits = price > 100 ? 2 : 5;
    const orderType = pick<OrderType>(['Buy', 'Sell']);
    const dir = orderType === 'Buy' ? 1 : -1;
    await master.open({
      ticket: nextTicket++,
      symbol: `${master.config.symbolPrefix ?? ''}${symbol}${master.config.symbolSuffix ?? ''}`,
      orderType,
      lots: round(0.01 + Math.random(), 2),
      openPrice: round(price, digits),
      stopLoss: round(price * (1 - dir * 0.01), digits),
      takeProfit: round(price * (1 + dir * 0.02), digits),
      magicNumber: pick([0, 12345]),
      comment: 'sim',
    });
  } else if (r < 0.65) {
    const p = pick(open);
    await master.modify(p.ticket, { stopLoss: round(p.stopLoss * 1.001, 5), takeProfit: p.takeProfit });
  } else if (r < 0.8) {
    await master.close(pick(open).ticket, { closeRatio: 0.5 });
  } else {
    await master.close(pick(open).ticket);
  }
}

async function handleCommand(input: string): Promise<void> {
  const [cmd, ...args] = input.trim().split(/\s+/);
  if (!cmd) return;
  if (cmd === 'quit' || cmd === 'exit') return shutdown('stdin');
  if (cmd === 'auto') return ea.setAutoTrading(args[0] === 'on');
  if (cmd === 'equity') return ea.setEquity(Number(args[0]));
  if (!(ea instanceof SimMaster)) return line('WARN', `unknown command for a slave: ${cmd}`);
  if (cmd === 'open') {
    const [symbol, type = 'Buy', lots = '0.1'] = args;
    if (!symbol || !(ORDER_TYPES as readonly string[]).includes(type))
      return line('WARN', 'open SYMBOL TYPE LOTS');
    await ea.open({ ticket: nextTicket++, symbol, orderType: type as OrderType, lots: Number(lots) });
  } else if (cmd === 'close') {
    const ratio = args[1] === undefined ? {} : { closeRatio: Number(args[1]) };
    await ea.close(Number(args[0]), ratio);
  } else if (cmd === 'modify') {
    await ea.modify(Number(args[0]), { stopLoss: Number(args[1] ?? 0), takeProfit: Number(args[2] ?? 0) });
  } else {
    line('WARN', `unknown command: ${cmd}`);
  }
}

let tradeTimer: NodeJS.Timeout | null = null;
let stopping = false;
async function shutdown(why: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  line('STOP', why);
  if (tradeTimer) clearInterval(tradeTimer);
  await ea.stop({ unregister: true });
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

line('INIT', `receiver=${receiverEndpoint} publisher=${publisherEndpoint}`);
await ea.start();
if (tradeEveryMs !== undefined && tradeEveryMs > 0) {
  if (!(ea instanceof SimMaster)) fail('--trade-every-ms applies to a master only');
  const master = ea;
  tradeTimer = setInterval(() => {
    randomTrade(master).catch((err: unknown) => line('WARN', String(err)));
  }, tradeEveryMs);
}
createInterface({ input: process.stdin }).on('line', (l) => {
  handleCommand(l).catch((err: unknown) => line('WARN', String(err)));
});
