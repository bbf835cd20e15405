'use client';
// Small shadcn-style primitives styled by globals.css: switch, badge, field, drawer, confirm dialog, card.
import { clsx } from 'clsx';
import { X } from 'lucide-react';
import { type ReactNode, useEffect, useId, useRef } from 'react';
import { useI18n } from '../i18n/i18n';

export function Switch(props: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  label: string;
  pending?: boolean;
  disabled?: boolean;
  testId?: string;
  className?: string;
}) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={props.checked}
      aria-label={props.label}
      title={props.label}
      data-testid={props.testId}
      data-pending={props.pending ? 'true' : undefined}
      disabled={props.disabled || props.pending}
      className={clsx('switch', props.checked && 'switch-on', props.className)}
      onClick={() => props.onChange(!props.checked)}
    >
      <span className="switch-thumb" />
    </button>
  );
}

export function Badge(props: {
  tone: 'gray' | 'amber' | 'green' | 'yellow' | 'red' | 'blue' | 'purple';
  children: ReactNode;
  title?: string;
  testId?: string;
}) {
  return (
    <span className={clsx('badge', `badge-${props.tone}`)} title={props.title} data-testid={props.testId}>
      {props.children}
    </span>
  );
}

export function Card(props: {
  title?: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
  testId?: string;
}) {
  return (
    <section className="card" data-testid={props.testId}>
      {props.title || props.actions ? (
        <header className="card-header">
          {props.title ? <h2 className="card-title">{props.title}</h2> : null}
          {props.actions}
        </header>
      ) : null}
      <div className="card-body">{props.children}</div>
    </section>
  );
}

/** Label + control + help/error text. The control gets `id` and aria attributes through the render prop. */
export function Field(props: {
  label: string;
  help?: string;
  error?: string | undefined;
  children: (a: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
  className?: string;
}) {
  const id = useId();
  const descId = `${id}-desc`;
  return (
    <div className={clsx('field', props.error && 'field-error', props.className)}>
      <label htmlFor={id} className="field-label">
        {props.label}
      </label>
      {props.children({
        id,
        'aria-invalid': Boolean(props.error),
        ...(props.error || props.help ? { 'aria-describedby': descId } : {}),
      })}
      {props.error ? (
        <p id={descId} className="field-message error-text" role="alert">
          {props.error}
        </p>
      ) : props.help ? (
        <p id={descId} className="field-message muted">
          {props.help}
        </p>
      ) : null}
    </div>
  );
}

export function Checkbox(props: {
  checked: boolean;
  onChange: (v: boolean) => void;
  label: string;
  name?: string;
  testId?: string;
}) {
  return (
    <label className="checkbox">
      <input
        type="checkbox"
        name={props.name}
        checked={props.checked}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      <span>{props.label}</span>
    </label>
  );
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal's keyboard contract: focus moves into it when it opens (a field first, else its first button), Tab and
 * Shift+Tab stay inside it, Escape closes the topmost one, and focus goes back where it was when it closes.
 */
function useModal(open: boolean, onClose: () => void) {
  const box = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    if (!open) return;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const el = box.current;
    const items = () => (el ? [...el.querySelectorAll<HTMLElement>(FOCUSABLE)] : []);
    const first = el?.querySelector<HTMLElement>('input:not([disabled]), select, textarea') ?? items()[0];
    first?.focus();
    const topmost = () => {
      const modals = document.querySelectorAll('[aria-modal="true"]');
      return modals[modals.length - 1] === el;
    };
    const onKey = (e: KeyboardEvent) => {
      if (!topmost()) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        close.current();
        return;
      }
      if (e.key !== 'Tab' || !el) return;
      const list = items();
      if (list.length === 0) return;
      const at = list.indexOf(document.activeElement as HTMLElement);
      const next = e.shiftKey ? (at <= 0 ? list.length - 1 : at - 1) : at === list.length - 1 ? 0 : at + 1;
      if (at === -1 || (e.shiftKey && at === 0) || (!e.shiftKey && at === list.length - 1)) {
        e.preventDefault();
        list[next]?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      if (before?.isConnected) before.focus();
    };
  }, [open]);
  return box;
}

/** Side sheet on wide screens, bottom sheet on phones (CSS). */
export function Drawer(props: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
  testId?: string;
  side?: 'right' | 'bottom';
}) {
  const { t } = useI18n();
  const box = useModal(props.open, props.onClose);
  if (!props.open) return null;
  return (
    <div className="overlay" data-side={props.side ?? 'right'}>
      <button
        type="button"
        className="overlay-backdrop"
        aria-label={t('common.close')}
        onClick={props.onClose}
      />
      <div
        ref={box}
        className={clsx('drawer', props.side === 'bottom' && 'drawer-bottom')}
        role="dialog"
        aria-modal="true"
        aria-label={typeof props.title === 'string' ? props.title : undefined}
        data-testid={props.testId}
      >
        <header className="drawer-header">
          <div>
            <h2 className="drawer-title">{props.title}</h2>
            {props.description ? <p className="muted small">{props.description}</p> : null}
          </div>
          <button
            type="button"
            className="btn btn-ghost btn-icon"
            aria-label={t('common.close')}
            onClick={props.onClose}
          >
            <X size={18} />
          </button>
        </header>
        <div className="drawer-body">{props.children}</div>
        {props.footer ? <footer className="drawer-footer">{props.footer}</footer> : null}
      </div>
    </div>
  );
}

export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  body: string;
  confirmLabel: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  /** Extra fields between the text and the buttons (a reason, a number of days). */
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const box = useModal(props.open, props.onCancel);
  if (!props.open) return null;
  return (
    <div className="overlay overlay-center">
      <button
        type="button"
        className="overlay-backdrop"
        aria-label={t('common.cancel')}
        onClick={props.onCancel}
      />
      <div
        ref={box}
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-label={props.title}
        data-testid="confirm-dialog"
      >
        <h2 className="drawer-title">{props.title}</h2>
        <p>{props.body}</p>
        {props.children}
        <div className="row-end">
          <button type="button" className="btn btn-outline" onClick={props.onCancel}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="btn btn-destructive"
            data-testid="confirm-button"
            disabled={props.busy}
            onClick={props.onConfirm}
          >
            {props.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
