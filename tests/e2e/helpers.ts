// Shared bits of the browser tests: the endpoints the global setup exported, login, screenshots, simulated EAs.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { SimMaster, type SimMasterOptions, SimSlave, type SimSlaveOptions } from '@sankey/ea-sim/index';
import { e2eEnv } from './env';

const shotDir = resolve(import.meta.dirname, '../test-results/screenshots');

export async function screenshot(page: Page, name: string) {
  mkdirSync(shotDir, { recursive: true });
  // The bundled CJK font loads when a glyph needs it (app/fonts.ts, display: swap): wait, or "日本語" is tofu.
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.screenshot({ path: resolve(shotDir, `${name}.png`), fullPage: false });
}

export async function login(page: Page) {
  await page.goto('/login');
  await page.getByTestId('login-password').fill(e2eEnv().adminPassword);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('live-indicator')).toBeVisible();
}

type SimOpts<T> = Omit<T, 'accountId' | 'receiverEndpoint' | 'publisherEndpoint'>;

export async function simMaster(accountId: string, opts: SimOpts<SimMasterOptions> = {}) {
  const { receiverEndpoint, publisherEndpoint } = e2eEnv();
  const m = new SimMaster({
    accountId,
    receiverEndpoint,
    publisherEndpoint,
    heartbeatIntervalMs: 500,
    ...opts,
  });
  await m.start();
  return m;
}

export async function simSlave(accountId: string, opts: SimOpts<SimSlaveOptions> = {}) {
  const { receiverEndpoint, publisherEndpoint } = e2eEnv();
  const s = new SimSlave({
    accountId,
    receiverEndpoint,
    publisherEndpoint,
    heartbeatIntervalMs: 500,
    ...opts,
  });
  await s.start();
  return s;
}

/** A tRPC call with the bearer token (test setup that is not about the UI). */
export async function trpc<T>(path: string, input: unknown): Promise<T> {
  const { baseUrl, apiToken } = e2eEnv();
  const res = await fetch(`${baseUrl}/api/trpc/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { result?: { data: T }; error?: { message: string } };
  if (!res.ok || !body.result) throw new Error(`${path}: ${body.error?.message ?? res.status}`);
  return body.result.data;
}

/**
 * The web app's bundled CJK font (apps/web/app/fonts.ts, exposed as --font-cjk): its family name, the weights the
 * browser has fetched and decoded, and whether it can draw `text` with that family without loading more.
 */
export function cjkFont(page: Page, text: string) {
  return page.evaluate((sample) => {
    const unquote = (s: string) => s.trim().replace(/^["']|["']$/g, '');
    const cssVar = getComputedStyle(document.documentElement).getPropertyValue('--font-cjk');
    const family = unquote(cssVar.split(',')[0] ?? '');
    const loadedWeights = [...document.fonts]
      .filter((f) => family !== '' && unquote(f.family) === family && f.status === 'loaded')
      .map((f) => f.weight);
    return {
      family,
      loadedWeights,
      drawsText: family !== '' && document.fonts.check(`16px "${family}"`, sample),
    };
  }, text);
}

/** Whether the relay counts the EA as listening (its heartbeats arrive); undefined when it does not know it. */
export async function relayListening(accountId: string): Promise<boolean | undefined> {
  const { relayHttp, apiToken } = e2eEnv();
  const res = await fetch(`${relayHttp}/internal/v1/endpoints`, {
    headers: { authorization: `Bearer ${apiToken}` },
  });
  const body = (await res.json()) as { endpoints: { accountId: string; listening: boolean }[] };
  return body.endpoints.find((e) => e.accountId === accountId)?.listening;
}
