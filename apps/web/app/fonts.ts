// Japanese glyphs served with the app (docs/dependencies.md): no CJK font has to be installed on the machine that
// shows the admin UI. The "japanese" subset of @fontsource/noto-sans-jp is one woff2 file per weight covering kana,
// kanji and CJK punctuation; next/font/local takes no unicode-range per file, so the numbered subsets would not work.
import localFont from 'next/font/local';

export const notoSansJp = localFont({
  // next/font/local resolves these relative to this file, not as package names: npm hoists the package to the
  // root node_modules of the workspace.
  src: [
    {
      path: '../../../node_modules/@fontsource/noto-sans-jp/files/noto-sans-jp-japanese-400-normal.woff2',
      weight: '400',
    },
    {
      path: '../../../node_modules/@fontsource/noto-sans-jp/files/noto-sans-jp-japanese-500-normal.woff2',
      weight: '500',
    },
    {
      path: '../../../node_modules/@fontsource/noto-sans-jp/files/noto-sans-jp-japanese-700-normal.woff2',
      weight: '700',
    },
  ],
  style: 'normal',
  display: 'swap',
  // Each ≈1 MB weight is fetched when text on the page needs it, not all three up front with every page.
  preload: false,
  // next/font's fallback is a metric-adjusted local Arial, which cannot stand in for kana and kanji.
  adjustFontFallback: false,
  variable: '--font-cjk',
});
