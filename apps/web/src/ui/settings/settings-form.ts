// Settings page form state ⇄ `settings.update` input, validated with the shared schema.
import {
  type GlobalSettings,
  type GlobalSettingsUpdate,
  globalSettingsUpdateSchema,
} from '@sankey/shared/domain/settings';
import type { LogLevel } from '@sankey/shared/protocol/constants';
import { fieldErrors } from '../forms/issues';
import type { Translate } from '../i18n/i18n';

export interface SettingsFormState {
  enabled: boolean;
  host: string;
  batchSize: string;
  flushIntervalSecs: string;
  logLevel: LogLevel;
  synonymGroups: string;
  heartbeatTimeoutS: string;
}

export function settingsFormFrom(s: GlobalSettings): SettingsFormState {
  return {
    enabled: s.logShipping.enabled,
    host: s.logShipping.host,
    batchSize: String(s.logShipping.batchSize),
    flushIntervalSecs: String(s.logShipping.flushIntervalSecs),
    logLevel: s.logShipping.logLevel,
    synonymGroups: s.synonymGroups.map((g) => g.join(', ')).join('\n'),
    heartbeatTimeoutS: String(s.heartbeatTimeoutS),
  };
}

export function parseSynonymGroups(text: string): string[][] {
  return text
    .split('\n')
    .map((line) =>
      line
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    )
    .filter((g) => g.length > 0);
}

export function settingsFormToInput(
  s: SettingsFormState,
  t: Translate,
): { ok: true; value: GlobalSettingsUpdate } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const int = (key: 'batchSize' | 'flushIntervalSecs' | 'heartbeatTimeoutS') => {
    const n = Number(s[key].trim());
    if (s[key].trim() === '' || !Number.isInteger(n)) errors[key] = t('form.err.integer');
    return n;
  };
  const value: GlobalSettingsUpdate = {
    logShipping: {
      enabled: s.enabled,
      host: s.host.trim(),
      batchSize: int('batchSize'),
      flushIntervalSecs: int('flushIntervalSecs'),
      logLevel: s.logLevel,
    },
    synonymGroups: parseSynonymGroups(s.synonymGroups),
    heartbeatTimeoutS: int('heartbeatTimeoutS'),
  };
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const parsed = globalSettingsUpdateSchema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      errors: fieldErrors(parsed.error.issues, t, (p) =>
        p[0] === 'logShipping' ? String(p[1]) : String(p[0]),
      ),
    };
  }
  return { ok: true, value };
}
