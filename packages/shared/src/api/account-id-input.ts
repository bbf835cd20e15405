// The account id an operator names in the control API and its tRPC mirror (dead letters, blocklist, risk): a
// topic segment, so no space, `/` or control character, at most 63 characters.
import { z } from 'zod';

export const accountIdInputSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[^\s/\p{Cc}]+$/u, 'an account id has no space, / or control character');
