'use client';
// Settings fixed by an environment variable (docs/api.md, system.status): the field is shown read-only with the
// value in effect, and a note names the variable, because a saved value would not take effect while it is set.
import type { EnvOverride } from '@sankey/shared/api/views';
import { Lock } from 'lucide-react';
import { Field } from '../components/ui';
import { useI18n } from '../i18n/i18n';

export const overrideOf = (
  overrides: readonly EnvOverride[] | undefined,
  setting: EnvOverride['setting'],
): EnvOverride | undefined => overrides?.find((o) => o.setting === setting);

export function EnvNote({ override }: { override: EnvOverride }) {
  const { t } = useI18n();
  return (
    <p className="alert small env-note" data-testid={`env-note-${override.setting}`}>
      <Lock size={14} aria-hidden="true" className="env-note-icon" />
      <span>
        {t(override.setting === 'heartbeatTimeoutS' ? 'settings.fromEnv' : 'settings.fromEnvSecret', {
          variable: override.variable,
        })}
      </span>
    </p>
  );
}

/** The heartbeat timeout: editable, or the environment's value read-only when SANKEY_HEARTBEAT_TIMEOUT_S is set. */
export function HeartbeatField(props: {
  value: string;
  override: EnvOverride | undefined;
  error: string | undefined;
  onChange: (v: string) => void;
}) {
  const { t } = useI18n();
  const fixed = props.override;
  return (
    <>
      <Field
        label={t('settings.heartbeat')}
        help={fixed ? undefined : t('settings.heartbeatHelp')}
        error={props.error}
      >
        {(a) => (
          <input
            {...a}
            className="input"
            name="heartbeatTimeoutS"
            inputMode="numeric"
            // The stored value stays in the form (saving must not copy the environment's value into it).
            value={fixed ? String(fixed.value ?? '') : props.value}
            disabled={fixed !== undefined}
            onChange={(e) => props.onChange(e.target.value)}
          />
        )}
      </Field>
      {fixed ? <EnvNote override={fixed} /> : null}
    </>
  );
}
