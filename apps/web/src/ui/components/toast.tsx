'use client';
// Toast notifications: a tiny store plus a viewport rendered once in the shell.
import { clsx } from 'clsx';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';

export interface Toast {
  id: number;
  tone: 'success' | 'error' | 'info';
  text: string;
}

interface ToastApi {
  show: (tone: Toast['tone'], text: string) => void;
}

const ToastContext = createContext<ToastApi>({ show: () => {} });
let nextId = 1;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((x) => x.id !== id)), []);
  const show = useCallback(
    (tone: Toast['tone'], text: string) => {
      const id = nextId++;
      setToasts((list) => [...list.slice(-3), { id, tone, text }]);
      setTimeout(() => dismiss(id), tone === 'error' ? 8_000 : 4_000);
    },
    [dismiss],
  );
  const api = useMemo(() => ({ show }), [show]);
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.map((x) => (
          <div
            key={x.id}
            className={clsx('toast', `toast-${x.tone}`)}
            role="status"
            data-testid={`toast-${x.tone}`}
          >
            <span>{x.text}</span>
            <button type="button" className="toast-close" aria-label="×" onClick={() => dismiss(x.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export const useToast = () => useContext(ToastContext);
