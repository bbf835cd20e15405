'use client';
// The master's symbol prefix/suffix inputs with the "use the detected values" offer, shared by the link wizard
// and the master drawer.
import { Field } from '../components/ui';
import { useI18n } from '../i18n/i18n';

export function MasterAffixFields(props: {
  detected: { detectedPrefix: string; detectedSuffix: string } | null | undefined;
  prefix: string;
  suffix: string;
  setPrefix: (v: string) => void;
  setSuffix: (v: string) => void;
  errors: Partial<Record<string, string>>;
  /** Offer the detected values only while they differ from what is entered (the wizard). */
  hideDetectedWhenApplied?: boolean;
}) {
  const { t } = useI18n();
  const { detected, prefix, suffix, setPrefix, setSuffix, errors } = props;
  const offer =
    !!detected &&
    (detected.detectedPrefix !== '' || detected.detectedSuffix !== '') &&
    !(
      props.hideDetectedWhenApplied &&
      detected.detectedPrefix === prefix.trim() &&
      detected.detectedSuffix === suffix.trim()
    );
  return (
    <>
      {offer && detected ? (
        <div className="alert alert-info" data-testid="detected-settings">
          <span>
            {t('wizard.detected', { prefix: detected.detectedPrefix, suffix: detected.detectedSuffix })}
          </span>
          <button
            type="button"
            className="btn btn-outline btn-sm"
            onClick={() => {
              setPrefix(detected.detectedPrefix);
              setSuffix(detected.detectedSuffix);
            }}
          >
            {t('wizard.applyDetected')}
          </button>
        </div>
      ) : null}
      <div className="form-grid">
        <Field label={t('master.prefix')} help={t('master.prefixHelp')} error={errors['symbolPrefix']}>
          {(a) => (
            <input
              {...a}
              className="input"
              name="masterPrefix"
              value={prefix}
              onChange={(e) => setPrefix(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('master.suffix')} help={t('master.suffixHelp')} error={errors['symbolSuffix']}>
          {(a) => (
            <input
              {...a}
              className="input"
              name="masterSuffix"
              value={suffix}
              onChange={(e) => setSuffix(e.target.value)}
            />
          )}
        </Field>
      </div>
    </>
  );
}
