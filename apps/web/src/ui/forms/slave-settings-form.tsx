'use client';
// Every slave setting (docs/protocol.md §11.2), grouped: lots, symbols & mappings, filters, sync, execution, and
// the link's risk controls (docs/risk-controls.md: manual close-only, position cap, trading hours).
import { WHEN_OFF_MODES } from '@sankey/shared/domain/settings';
import { LOT_CALCULATION_MODES, SYNC_MODES } from '@sankey/shared/protocol/constants';
import { Plus, Trash2 } from 'lucide-react';
import type { ReactNode } from 'react';
import { Checkbox, Field } from '../components/ui';
import type { MessageKey } from '../i18n/dict';
import { useI18n } from '../i18n/i18n';
import type { SlaveFormState } from './slave-form';

type TextKey = {
  [K in keyof SlaveFormState]: SlaveFormState[K] extends string ? K : never;
}[keyof SlaveFormState];

const DAYS = [1, 2, 3, 4, 5, 6, 0] as const;

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="form-section">
      <legend>{title}</legend>
      <div className="form-grid">{children}</div>
    </fieldset>
  );
}

export function SlaveSettingsForm(props: {
  value: SlaveFormState;
  onChange: (next: SlaveFormState) => void;
  errors: Record<string, string>;
}) {
  const { t } = useI18n();
  const v = props.value;
  const set = <K extends keyof SlaveFormState>(key: K, val: SlaveFormState[K]) =>
    props.onChange({ ...v, [key]: val });

  const text = (key: TextKey, label: MessageKey, help?: MessageKey, numeric = false) => (
    <Field label={t(label)} help={help ? t(help) : undefined} error={props.errors[key]}>
      {(a) => (
        <input
          {...a}
          className="input"
          name={key}
          inputMode={numeric ? 'decimal' : undefined}
          autoComplete="off"
          value={v[key] as string}
          onChange={(e) => set(key, e.target.value as never)}
        />
      )}
    </Field>
  );

  type ChoiceKey = 'lotCalculationMode' | 'syncMode' | 'whenOff';
  const choice = <K extends ChoiceKey>(
    key: K,
    label: MessageKey,
    options: readonly SlaveFormState[K][],
    optionLabel: (o: SlaveFormState[K]) => string,
    help?: MessageKey,
  ) => (
    <Field label={t(label)} help={help ? t(help) : undefined} error={props.errors[key]}>
      {(a) => (
        <select
          {...a}
          className="input"
          name={key}
          value={v[key]}
          onChange={(e) => set(key, e.target.value as SlaveFormState[K])}
        >
          {options.map((m) => (
            <option key={m} value={m}>
              {optionLabel(m)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );

  type FlagKey = 'reverseTrade' | 'copyPendingOrders' | 'usePendingOrderForDelayed' | 'riskCloseOnly';
  const check = (key: FlagKey, label: MessageKey) => (
    <Checkbox name={key} checked={v[key]} onChange={(x) => set(key, x)} label={t(label)} />
  );

  /** A list setting edited as rows (symbol mappings, trading windows): one row each, remove and add buttons. */
  const rows = <K extends 'symbolMappings' | 'tradingWindows'>(
    key: K,
    blank: SlaveFormState[K][number],
    render: (
      row: SlaveFormState[K][number],
      i: number,
      update: (patch: Partial<SlaveFormState[K][number]>) => void,
      invalid: boolean,
    ) => ReactNode,
    fields: readonly string[],
  ) => {
    const list = v[key] as SlaveFormState[K][number][];
    const put = (next: SlaveFormState[K][number][]) => set(key, next as SlaveFormState[K]);
    return (
      <>
        {list.map((row, i) => {
          const err = fields.map((f) => props.errors[`${key}.${i}.${f}`]).find(Boolean);
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their position
            <div className="mapping-row" key={i}>
              {render(
                row,
                i,
                (patch) => put(list.map((r, j) => (j === i ? { ...r, ...patch } : r))),
                Boolean(err),
              )}
              <button
                type="button"
                className="btn btn-ghost btn-icon"
                aria-label={t('common.remove')}
                onClick={() => put(list.filter((_, j) => j !== i))}
              >
                <Trash2 size={16} />
              </button>
              {err ? <p className="field-message error-text mapping-error">{err}</p> : null}
            </div>
          );
        })}
        {props.errors[key] ? <p className="field-message error-text">{props.errors[key]}</p> : null}
        <button
          type="button"
          className="btn btn-outline btn-sm"
          data-testid={key === 'symbolMappings' ? 'add-mapping' : 'add-window'}
          onClick={() => put([...list, blank])}
        >
          <Plus size={14} /> {t(key === 'symbolMappings' ? 'form.addMapping' : 'form.addWindow')}
        </button>
      </>
    );
  };

  return (
    <div className="slave-form" data-testid="slave-settings-form">
      {props.errors['form'] ? (
        <p className="alert alert-error" role="alert">
          {props.errors['form']}
        </p>
      ) : null}
      <Section title={t('form.section.lots')}>
        {choice('lotCalculationMode', 'form.lotMode', LOT_CALCULATION_MODES, (m) => t(`form.lotMode.${m}`))}
        {v.lotCalculationMode === 'multiplier'
          ? text('lotMultiplier', 'form.lotMultiplier', 'form.lotMultiplierHelp', true)
          : null}
        {text('sourceLotMin', 'form.sourceLotMin', 'form.sourceLotHelp', true)}
        {text('sourceLotMax', 'form.sourceLotMax', undefined, true)}
        {check('reverseTrade', 'form.reverse')}
      </Section>

      <Section title={t('form.section.symbols')}>
        {text('symbolPrefix', 'form.slavePrefix', 'form.slaveAffixHelp')}
        {text('symbolSuffix', 'form.slaveSuffix')}
        <div className="field field-wide">
          <span className="field-label">{t('form.mappings')}</span>
          <p className="field-message muted">{t('form.mappingsHelp')}</p>
          {rows(
            'symbolMappings',
            { source: '', target: '' },
            (row, i, update, invalid) => (
              <>
                <input
                  className="input"
                  aria-label={t('form.mappingSource')}
                  placeholder={t('form.mappingSource')}
                  name={`mapping-source-${i}`}
                  value={row.source}
                  aria-invalid={invalid}
                  onChange={(e) => update({ source: e.target.value.toUpperCase() })}
                />
                <span aria-hidden="true">→</span>
                <input
                  className="input"
                  aria-label={t('form.mappingTarget')}
                  placeholder={t('form.mappingTarget')}
                  name={`mapping-target-${i}`}
                  value={row.target}
                  aria-invalid={invalid}
                  onChange={(e) => update({ target: e.target.value.toUpperCase() })}
                />
              </>
            ),
            ['source', 'target'],
          )}
        </div>
      </Section>

      <Section title={t('form.section.filters')}>
        {text('allowedSymbols', 'form.allowedSymbols', 'form.listHelp')}
        {text('blockedSymbols', 'form.blockedSymbols', 'form.listHelp')}
        {text('allowedMagicNumbers', 'form.allowedMagic', 'form.listHelp')}
        {text('blockedMagicNumbers', 'form.blockedMagic', 'form.listHelp')}
        {check('copyPendingOrders', 'form.copyPending')}
      </Section>

      <Section title={t('form.section.sync')}>
        {choice('syncMode', 'form.syncMode', SYNC_MODES, (m) => t(`form.syncMode.${m}`))}
        {v.syncMode === 'limit_order'
          ? text('limitOrderExpiryMin', 'form.limitExpiry', undefined, true)
          : null}
        {v.syncMode === 'market_order'
          ? text('marketSyncMaxPips', 'form.marketMaxPips', undefined, true)
          : null}
      </Section>

      <Section title={t('form.section.execution')}>
        {text('maxSlippage', 'form.maxSlippage', 'form.maxSlippageHelp', true)}
        {text('maxRetries', 'form.maxRetries', undefined, true)}
        {text('maxSignalDelayMs', 'form.maxSignalDelay', 'form.maxSignalDelayHelp', true)}
        {check('usePendingOrderForDelayed', 'form.usePendingForDelayed')}
        {choice('whenOff', 'form.whenOff', WHEN_OFF_MODES, (m) => t(`form.whenOff.${m}`), 'form.whenOffHelp')}
      </Section>

      <Section title={t('form.section.risk')}>
        {check('riskCloseOnly', 'form.riskCloseOnly')}
        {text('maxOpenPositions', 'form.maxOpenPositions', 'form.maxOpenPositionsHelp', true)}
        <div className="field field-wide" data-testid="trading-hours">
          <span className="field-label">{t('form.tradingHours')}</span>
          <p className="field-message muted">{t('form.tradingHoursHelp')}</p>
          {rows(
            'tradingWindows',
            { day: 1, from: '08:00', to: '22:00' },
            (row, i, update, invalid) => (
              <>
                <select
                  className="input"
                  aria-label={t('form.windowDay')}
                  name={`window-day-${i}`}
                  value={row.day}
                  onChange={(e) => update({ day: Number(e.target.value) })}
                >
                  {DAYS.map((d) => (
                    <option key={d} value={d}>
                      {t(`form.day.${d}`)}
                    </option>
                  ))}
                </select>
                <input
                  className="input"
                  aria-label={t('form.windowFrom')}
                  placeholder="08:00"
                  name={`window-from-${i}`}
                  value={row.from}
                  aria-invalid={invalid}
                  onChange={(e) => update({ from: e.target.value })}
                />
                <input
                  className="input"
                  aria-label={t('form.windowTo')}
                  placeholder="22:00"
                  name={`window-to-${i}`}
                  value={row.to}
                  aria-invalid={invalid}
                  onChange={(e) => update({ to: e.target.value })}
                />
              </>
            ),
            ['from', 'to', 'day'],
          )}
        </div>
        {v.tradingWindows.length > 0
          ? text('tradingTimeZone', 'form.tradingTimeZone', 'form.tradingTimeZoneHelp')
          : null}
      </Section>
    </div>
  );
}
