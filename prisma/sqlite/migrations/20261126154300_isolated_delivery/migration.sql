-- CreateTable
CREATE TABLE "member_aliases" (
    "alias" TEXT NOT NULL PRIMARY KEY,
    "masterAccount" TEXT NOT NULL,
    "slaveAccount" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_trade_groups" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "symbolPrefix" TEXT,
    "symbolSuffix" TEXT,
    "delivery" TEXT NOT NULL DEFAULT 'shared',
    "configVersion" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_trade_groups" ("configVersion", "createdAt", "enabled", "id", "symbolPrefix", "symbolSuffix", "updatedAt") SELECT "configVersion", "createdAt", "enabled", "id", "symbolPrefix", "symbolSuffix", "updatedAt" FROM "trade_groups";
DROP TABLE "trade_groups";
ALTER TABLE "new_trade_groups" RENAME TO "trade_groups";
CREATE INDEX "trade_groups_createdAt_idx" ON "trade_groups"("createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "member_aliases_masterAccount_slaveAccount_key" ON "member_aliases"("masterAccount", "slaveAccount");

