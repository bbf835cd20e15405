// Turns zod issues from the shared schemas into localized messages per form field.
import type { z } from 'zod';
import type { Translate } from '../i18n/i18n';

type Issue = z.core.$ZodIssue;

export function localizeIssue(issue: Issue, t: Translate): string {
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string' || issue.origin === 'array') return t('form.err.empty');
      return issue.inclusive === false
        ? t('form.err.gt', { min: String(issue.minimum) })
        : t('form.err.min', { min: String(issue.minimum) });
    case 'too_big':
      return t('form.err.max', { max: String(issue.maximum) });
    case 'invalid_type':
      return issue.expected === 'int' ? t('form.err.integer') : t('form.err.number');
    case 'custom':
      if (issue.message.includes('sourceLotMin')) return t('form.err.lotRange');
      if (issue.message.includes('bytes')) {
        const max = /(\d+) bytes/.exec(issue.message)?.[1] ?? '31';
        return issue.message.includes('1–') ? t('form.err.accountId') : t('form.err.tooLong', { max });
      }
      if (issue.message.includes('spaces') || issue.message.includes('reserved'))
        return t('form.err.accountId');
      if (issue.message.includes('"global"')) return t('form.err.globalPrefix');
      if (issue.message.includes('control characters or any of')) return t('form.err.symbolChars');
      if (issue.message.includes('whole number from')) return t('form.err.magic');
      return issue.message;
    default:
      return issue.message;
  }
}

/** First message per field key; `keyOf` maps an issue path to the form's field key. */
export function fieldErrors(
  issues: readonly Issue[],
  t: Translate,
  keyOf: (path: readonly PropertyKey[]) => string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const key = keyOf(issue.path);
    out[key] ??= localizeIssue(issue, t);
  }
  return out;
}
