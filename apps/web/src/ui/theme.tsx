'use client';
// Light/dark theme: CSS variables switch on `data-theme` of <html>; without a stored choice the CSS follows
// prefers-color-scheme. THEME_INIT_SCRIPT sets the attribute before first paint (no flash).
import { Moon, Sun } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useI18n } from './i18n/i18n';

export const THEME_STORAGE_KEY = 'sankey.theme';
type Theme = 'light' | 'dark';

export const THEME_INIT_SCRIPT = `try{var t=localStorage.getItem('${THEME_STORAGE_KEY}');if(t==='light'||t==='dark')document.documentElement.dataset.theme=t}catch(e){}`;

function currentTheme(): Theme {
  const set = document.documentElement.dataset.theme;
  if (set === 'light' || set === 'dark') return set;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function ThemeToggle() {
  const { t } = useI18n();
  const [theme, setTheme] = useState<Theme>('light');
  useEffect(() => setTheme(currentTheme()), []);
  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="btn btn-ghost btn-icon"
      data-testid="theme-toggle"
      aria-label={next === 'dark' ? t('nav.themeDark') : t('nav.themeLight')}
      title={next === 'dark' ? t('nav.themeDark') : t('nav.themeLight')}
      onClick={() => {
        document.documentElement.dataset.theme = next;
        try {
          window.localStorage.setItem(THEME_STORAGE_KEY, next);
        } catch {
          // not persisted
        }
        setTheme(next);
      }}
    >
      {theme === 'dark' ? <Sun size={18} /> : <Moon size={18} />}
    </button>
  );
}
