import { FILTER_REASONS, WARNING_CODES } from '@sankey/shared/protocol/constants';
import { describe, expect, it } from 'vitest';
import { explainReason, explainWarning } from '../connections/labels';
import { en, ja, type MessageKey, translate } from './dict';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dictionaries', () => {
  it('give every key a Japanese text with the same placeholders', () => {
    for (const key of Object.keys(en) as MessageKey[]) {
      expect(ja[key], key).toBeTruthy();
      expect(placeholders(ja[key]), key).toEqual(placeholders(en[key]));
    }
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
  });

  it('fill placeholders and leave unknown ones visible', () => {
    expect(translate('en', 'node.links', { count: 3 })).toBe('3 link(s)');
    expect(translate('ja', 'node.links', { count: 3 })).toBe('リンク 3 件');
    expect(translate('en', 'node.links')).toBe('{count} link(s)');
  });
});

describe('warning codes in the user’s words', () => {
  it.each(WARNING_CODES)('explains %s in English and Japanese', (code) => {
    const tEn = (k: MessageKey, p?: Record<string, string | number>) => translate('en', k, p);
    const tJa = (k: MessageKey, p?: Record<string, string | number>) => translate('ja', k, p);
    const e = explainWarning(code, tEn);
    const j = explainWarning(code, tJa);
    expect(e).not.toContain(code);
    expect(e.length).toBeGreaterThan(20);
    expect(j).not.toBe(e);
    expect(j).toMatch(/[\u3040-\u30ff\u4e00-\u9faf]/);
  });

  it('uses the original wording for master auto-trading', () => {
    expect(explainWarning('master_auto_trading_disabled', (k) => translate('ja', k))).toBe(
      'MTの自動売買がOFFです。MTターミナルで有効にしてください。',
    );
  });

  it.each(FILTER_REASONS)('explains the filter reason %s in both languages', (reason) => {
    expect(explainReason(reason, (k) => translate('en', k))).not.toContain('_');
    expect(explainReason(reason, (k) => translate('ja', k))).toMatch(/[\u3040-\u30ff\u4e00-\u9faf]/);
  });
});
