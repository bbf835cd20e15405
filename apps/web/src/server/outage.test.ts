import { describe, expect, it } from 'vitest';
import type { Logger } from './logger';
import { createOutageMeter } from './outage';

const recordingLog = () => {
  const lines: string[] = [];
  const log = { warn: (_o: unknown, msg: string) => lines.push(msg) } as unknown as Logger;
  return { log, lines };
};

describe('the web app outage meter', () => {
  it('counts every refusal by reason and logs an outage once, again only after a quiet spell', async () => {
    let t = 0;
    const meter = createOutageMeter({ quietMs: 10_000, now: () => t });
    const { log, lines } = recordingLog();
    for (let i = 0; i < 5; i++) {
      meter.refused('locked', 'members.update', log);
      t += 1000;
    }
    meter.refused('unreachable', 'login', log);
    t += 20_000;
    meter.refused('locked', 'members.update', log);

    const text = await meter.registry.metrics();
    expect(text).toContain('sankey_web_database_unavailable_total{reason="locked"} 6');
    expect(text).toContain('sankey_web_database_unavailable_total{reason="unreachable"} 1');
    expect(lines).toEqual([
      'database unavailable (locked): refusing requests until it is back',
      'database unavailable (unreachable): refusing requests until it is back',
      'database unavailable (locked): refusing requests until it is back',
    ]);
  });
});
