'use client';
// English ⇄ Japanese; the choice is stored in localStorage by the i18n provider.
import { Languages } from 'lucide-react';
import { useI18n } from './i18n/i18n';

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <button
      type="button"
      className="btn btn-ghost btn-sm"
      data-testid="language-switch"
      aria-label={t('nav.language')}
      title={t('nav.language')}
      onClick={() => setLang(lang === 'en' ? 'ja' : 'en')}
    >
      <Languages size={16} />{' '}
      {/* Marked with its language, so it is read as Japanese and drawn with the bundled font (globals.css). */}
      {lang === 'en' ? <span lang="ja">日本語</span> : <span lang="en">English</span>}
    </button>
  );
}
