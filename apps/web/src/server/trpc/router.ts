// The API contract of docs/api.md, Procedures: one router per namespace, procedure names exactly as specified.
import { router } from './init';
import { changesRouter, historyRouter } from './routers/changes';
import { blocklistRouter, deliveriesRouter, endpointsRouter } from './routers/deliveries';
import { linksRouter } from './routers/links';
import { membersRouter } from './routers/members';
import { riskRouter } from './routers/risk';
import {
  authRouter,
  connectionsRouter,
  latencyRouter,
  logsRouter,
  settingsRouter,
  signalsRouter,
  systemRouter,
  tradesRouter,
} from './routers/system';
import { tradeGroupsRouter } from './routers/trade-groups';

export const appRouter = router({
  tradeGroups: tradeGroupsRouter,
  members: membersRouter,
  // Beyond docs/api.md, Procedures: the group (if new) and a member with their outbox rows in one transaction (docs/api.md).
  links: linksRouter,
  connections: connectionsRouter,
  settings: settingsRouter,
  system: systemRouter,
  logs: logsRouter,
  // An addition to the original contract: the relay's trade-signal journal (docs/api.md, Procedures).
  signals: signalsRouter,
  // Beyond docs/api.md, Procedures: one row per master ticket with each slave's outcome, and the latency ring (docs/api.md).
  trades: tradesRouter,
  latency: latencyRouter,
  // Beyond docs/api.md, Procedures: password change (docs/api.md).
  auth: authRouter,
  // Beyond docs/api.md, Procedures: the change history and the changes the relay cannot apply now (docs/api.md).
  history: historyRouter,
  changes: changesRouter,
  // Additions to the original contract: dead letters, per-EA statistics and the blocklist, over the relay (docs/api.md).
  deliveries: deliveriesRouter,
  endpoints: endpointsRouter,
  blocklist: blocklistRouter,
  // Beyond docs/api.md, Procedures: per-account risk controls over the relay (docs/api.md, Risk controls).
  risk: riskRouter,
});

export type AppRouter = typeof appRouter;
