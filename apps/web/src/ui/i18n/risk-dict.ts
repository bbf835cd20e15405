// Each risk control's state with until when (docs/risk-controls.md, "Until when"), in English and Japanese
// (merged into dict.ts; `riskControlJa` must have exactly the keys of `riskControlEn`).

export const riskControlEn = {
  'control.title': 'Risk controls',
  'control.fromRelay': 'As relay {relay} (the slave’s) computes them',
  'control.at': '{local} your time ({zoneTime} {zone})',
  'control.hours.closed': 'Trading hours: closed until {until}',
  'control.hours.open': 'Trading hours: open until {until}',
  'control.hours.closedAlways': 'Trading hours: closed (no window)',
  'control.hours.openAlways': 'Trading hours: always open',
  'control.guard.trippedDay':
    'Equity guard: tripped ({reason}: equity {equity} vs limit {limit}) until {until}, or a reset',
  'control.guard.trippedReset':
    'Equity guard: tripped ({reason}: equity {equity} vs limit {limit}) until reset',
  'control.guard.active': 'Equity guard: active (equity {equity}, trips at {limit})',
  'control.guard.noEquity': 'Equity guard: active (no equity reported to this relay yet)',
  'control.cap.tripped': 'Position cap: {open}/{max} open, close-only until a Close brings it under {max}',
  'control.cap.active': 'Position cap: {open}/{max} open',
  'control.manual': 'Link close-only: until switched off',
  'control.master': 'Master close-only: until switched off',
  'control.figures': 'equity {equity} vs limit {limit}',
} as const;

export const riskControlJa: Record<keyof typeof riskControlEn, string> = {
  'control.title': 'リスク管理',
  'control.fromRelay': 'スレーブのリレー {relay} による計算',
  'control.at': 'あなたの時刻 {local}（{zone} {zoneTime}）',
  'control.hours.closed': '取引時間: {until} まで時間外（新規停止）',
  'control.hours.open': '取引時間: {until} まで取引可',
  'control.hours.closedAlways': '取引時間: 時間外（取引枠なし）',
  'control.hours.openAlways': '取引時間: 常に取引可',
  'control.guard.trippedDay':
    '資産ガード: 作動中（{reason}: 有効証拠金 {equity} / 上限 {limit}）{until} まで、またはリセットまで',
  'control.guard.trippedReset':
    '資産ガード: 作動中（{reason}: 有効証拠金 {equity} / 上限 {limit}）リセットまで',
  'control.guard.active': '資産ガード: 有効（有効証拠金 {equity}、{limit} で作動）',
  'control.guard.noEquity': '資産ガード: 有効（このリレーには有効証拠金がまだ届いていません）',
  'control.cap.tripped': 'ポジション上限: {open}/{max} 保有、決済で {max} 未満になるまで決済のみ',
  'control.cap.active': 'ポジション上限: {open}/{max} 保有',
  'control.manual': 'リンクの決済のみ: オフにするまで',
  'control.master': 'マスターの決済のみ: オフにするまで',
  'control.figures': '有効証拠金 {equity} / 上限 {limit}',
};
