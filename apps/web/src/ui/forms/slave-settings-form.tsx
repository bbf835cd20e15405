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

  return (
    <div className="slave-form" data-testid="slave-settings-form">
      {props.errors['form'] ? (
        <p className="alert alert-error" role="alert">
          {props.errors['form']}
        </p>
      ) : null}
      <Section title={t('form.section.lots')}>
        <Field label={t('form.lotMode')} error={props.errors['lotCalculationMode']}>
          {(a) => (
            <select
              {...a}
              className="input"
              name="lotCalculationMode"
              value={v.lotCalculationMode}
              onChange={(e) =>
                set('lotCalculationMode', e.target.value as SlaveFormState['lotCalculationMode'])
              }
            >
              {LOT_CALCULATION_MODES.map((m) => (
                <option key={m} value={m}>
                  {t(`form.lotMode.${m}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {v.lotCalculationMode === 'multiplier'
          ? text('lotMultiplier', 'form.lotMultiplier', 'form.lotMultiplierHelp', true)
          : null}
        {text('sourceLotMin', 'form.sourceLotMin', 'form.sourceLotHelp', true)}
        {text('sourceLotMax', 'form.sourceLotMax', undefined, true)}
        <Checkbox
          name="reverseTrade"
          checked={v.reverseTrade}
          onChange={(x) => set('reverseTrade', x)}
          label={t('form.reverse')}
        />
      </Section>

      <Section title={t('form.section.symbols')}>
        {text('symbolPrefix', 'form.slavePrefix', 'form.slaveAffixHelp')}
        {text('symbolSuffix', 'form.slaveSuffix')}
        <div className="field field-wide">
          <span className="field-label">{t('form.mappings')}</span>
          <p className="field-message muted">{t('form.mappingsHelp')}</p>
          {v.symbolMappings.map((row, i) => {
            const update = (patch: Partial<typeof row>) =>
              set(
                'symbolMappings',
                v.symbolMappings.map((r, j) => (j === i ? { ...r, ...patch } : r)),
              );
            const err =
              props.errors[`symbolMappings.${i}.source`] ?? props.errors[`symbolMappings.${i}.target`];
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their position
              <div className="mapping-row" key={i}>
                <input
                  className="input"
                  aria-label={t('form.mappingSource')}
                  placeholder={t('form.mappingSource')}
                  name={`mapping-source-${i}`}
                  value={row.source}
                  aria-invalid={Boolean(err)}
                  onChange={(e) => update({ source: e.target.value.toUpperCase() })}
                />
                <span aria-hidden="true">→</span>
                <input
                  className="input"
                  aria-label={t('form.mappingTarget')}
                  placeholder={t('form.mappingTarget')}
                  name={`mapping-target-${i}`}
                  value={row.target}
                  aria-invalid={Boolean(err)}
                  onChange={(e) => update({ target: e.target.value.toUpperCase() })}
                />
                <button
                  type="button"
                  className="btn btn-ghost btn-icon"
                  aria-label={t('common.remove')}
                  onClick={() =>
                    set(
                      'symbolMappings',
                      v.symbolMappings.filter((_, j) => j !== i),
                    )
                  }
                >
                  <Trash2 size={16} />
                </button>
                {err ? <p className="field-message error-text mapping-error">{err}</p> : null}
              </div>
            );
          })}
          <button
            type="button"
            className="btn btn-outline btn-sm"
            data-testid="add-mapping"
            onClick={() => set('symbolMappings', [...v.symbolMappings, { source: '', target: '' }])}
          >
            <Plus size={14} /> {t('form.addMapping')}
          </button>
        </div>
      </Section>

      <Section title={t('form.section.filters')}>
        {text('allowedSymbols', 'form.allowedSymbols', 'form.listHelp')}
        {text('blockedSymbols', 'form.blockedSymbols', 'form.listHelp')}
        {text('allowedMagicNumbers', 'form.allowedMagic', 'form.listHelp')}
        {text('blockedMagicNumbers', 'form.blockedMagic', 'form.listHelp')}
        <Checkbox
          name="copyPendingOrders"
          checked={v.copyPendingOrders}
          onChange={(x) => set('copyPendingOrders', x)}
          label={t('form.copyPending')}
        />
      </Section>

      <Section title={t('form.section.sync')}>
        <Field label={t('form.syncMode')} error={props.errors['syncMode']}>
          {(a) => (
            <select
              {...a}
              className="input"
              name="syncMode"
              value={v.syncMode}
              onChange={(e) => set('syncMode', e.target.value as SlaveFormState['syncMode'])}
            >
              {SYNC_MODES.map((m) => (
                <option key={m} value={m}>
                  {t(`form.syncMode.${m}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
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
        <Checkbox
          name="usePendingOrderForDelayed"
          checked={v.usePendingOrderForDelayed}
          onChange={(x) => set('usePendingOrderForDelayed', x)}
          label={t('form.usePendingForDelayed')}
        />
        <Field label={t('form.whenOff')} help={t('form.whenOffHelp')} error={props.errors['whenOff']}>
          {(a) => (
            <select
              {...a}
              className="input"
              name="whenOff"
              value={v.whenOff}
              onChange={(e) => set('whenOff', e.target.value as SlaveFormState['whenOff'])}
            >
              {WHEN_OFF_MODES.map((m) => (
                <option key={m} value={m}>
                  {t(`form.whenOff.${m}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </Section>

      <Section title={t('form.section.risk')}>
        <Checkbox
          name="riskCloseOnly"
          checked={v.riskCloseOnly}
          onChange={(x) => set('riskCloseOnly', x)}
          label={t('form.riskCloseOnly')}
        />
        {text('maxOpenPositions', 'form.maxOpenPositions', 'form.maxOpenPositionsHelp', true)}
        <div className="field field-wide" data-testid="trading-hours">
          <span className="field-label">{t('form.tradingHours')}</span>
          <p className="field-message muted">{t('form.tradingHoursHelp')}</p>
          {v.tradingWindows.map((row, i) => {
            const update = (patch: Partial<typeof row>) =>
              set(
                'tradingWindows',
                v.tradingWindows.map((r, j) => (j === i ? { ...r, ...patch } : r)),
              );
            const err =
              props.errors[`tradingWindows.${i}.from`] ??
              props.errors[`tradingWindows.${i}.to`] ??
              props.errors[`tradingWindows.${i}.day`];
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their position
              <div className="mapping-row" key={i}>
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
                  aria-invalid={Boolean(err)}
                  onChange={(e) => update({ from: e.target.value })}
                />
                <input
                  className="input"
                  aria-label={t('form.windowTo')}
                  placeholder="22:00"
                  name={`window-to-${i}`}
                  value={row.to}
                  aria-invalid={Boolean(err)}
                  onChange={(e) => update({ to: e.target.value })}
                />
                <button
                  type="button"
                  className="btn btn-ghost btn-icon"
                  aria-label={t('common.remove')}
                  onClick={() =>
                    set(
                      'tradingWindows',
                      v.tradingWindows.filter((_, j) => j !== i),
                    )
                  }
                >
                  <Trash2 size={16} />
                </button>
                {err ? <p className="field-message error-text mapping-error">{err}</p> : null}
              </div>
            );
          })}
          {props.errors['tradingWindows'] ? (
            <p className="field-message error-text">{props.errors['tradingWindows']}</p>
          ) : null}
          <button
            type="button"
            className="btn btn-outline btn-sm"
            data-testid="add-window"
            onClick={() =>
              set('tradingWindows', [...v.tradingWindows, { day: 1, from: '08:00', to: '22:00' }])
            }
          >
            <Plus size={14} /> {t('form.addWindow')}
          </button>
        </div>
        {v.tradingWindows.length > 0
          ? text('tradingTimeZone', 'form.tradingTimeZone', 'form.tradingTimeZoneHelp')
          : null}
      </Section>
    </div>
  );
}
