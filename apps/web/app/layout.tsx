import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { I18nProvider } from '@/ui/i18n/i18n';
import { THEME_INIT_SCRIPT } from '@/ui/theme';
import { notoSansJp } from './fonts';
import './globals.css';

export const metadata: Metadata = { title: 'Sankey Copier', description: 'MetaTrader trade copier admin' };
export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className={notoSansJp.variable} suppressHydrationWarning>
      <head>
        {/* Applies the stored theme before first paint. */}
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant script of ours */}
        <script dangerouslySetInnerHTML={{ __html: THEME_INIT_SCRIPT }} />
      </head>
      <body>
        <I18nProvider>{children}</I18nProvider>
      </body>
    </html>
  );
}
