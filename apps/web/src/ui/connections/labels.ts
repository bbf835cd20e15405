// Localized labels of the derived states (shared by the graph, drawers and wizard).
import type { FilterReason, WarningCode } from '@sankey/shared/protocol/constants';
import type { Translate } from '../i18n/i18n';
import type { Badge } from '../live/derive';

const BADGE_KEYS = {
  manualOff: 'badge.manualOff',
  standby: 'badge.standby',
  streaming: 'badge.streaming',
  receiving: 'badge.receiving',
} as const;

export const badgeLabel = (b: Badge, t: Translate) => t(BADGE_KEYS[b]);

export function statusLabel(status: number, t: Translate): string {
  if (status === -1 || status === 0 || status === 1 || status === 2) return t(`status.${status}`);
  return String(status);
}

/** Every warning code in the user's words (docs/protocol.md §4.2). */
export const explainWarning = (code: WarningCode, t: Translate) => t(`warning.${code}`);

/** Why the copy engine did not copy a trade to a link (§10.1). */
export const explainReason = (reason: FilterReason, t: Translate) => t(`reason.${reason}`);
