// Seeds a fresh SQLite database with a tree's OWN db package (its migrations, its repositories), so the relay of
// any commit starts on the schema it expects. Run inside that tree: `node --import tsx <tree>/<this file> <json>`
// with `{ url, groups: [{ master, slaves: [...] }] }`; the compare harness copies this file into the tree.
// Plain JS with feature detection: the repositories' API changed over time (before issue 11:
// `createRepositories(db)` + `create(input, tx)`; after: `withRepositoriesTransaction(db, (tx) => ...)`).
import { createDb, withTransaction } from '@sankey/db/client';
import { migrate } from '@sankey/db/migrate';
import * as repositories from '@sankey/db/repositories/index';

const { url, groups } = JSON.parse(process.argv[2]);

/** The same mix as bench/src/stack.ts: every member enabled, with mappings, suffixes and filters. */
const groupInput = (g) => ({
  id: g.master,
  enabled: true,
  symbolPrefix: 'pro.',
  symbolSuffix: '.m',
  members: g.slaves.map((s, i) => ({
    slaveAccount: s,
    enabled: true,
    slaveSettings: {
      symbolSuffix: i % 3 === 0 ? '.ecn' : null,
      symbolMappings: i % 2 ? [{ sourceSymbol: 'XAUUSD', targetSymbol: 'GOLD' }] : [],
      filters: { blockedSymbols: ['BTCUSD'], allowedMagicNumbers: [7, 8] },
    },
  })),
});

await migrate({ url });
const db = await createDb({ url });
for (const g of groups) {
  if (typeof repositories.withRepositoriesTransaction === 'function') {
    await repositories.withRepositoriesTransaction(db, (tx) => tx.tradeGroups.create(groupInput(g)));
  } else {
    const repos = repositories.createRepositories(db);
    await withTransaction(db, (tx) => repos.tradeGroups.create(groupInput(g), tx));
  }
}
await db.$disconnect();
process.stdout.write(`seeded ${groups.length} groups\n`);
