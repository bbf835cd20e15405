-- CreateTable
CREATE TABLE "trade_groups" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "symbolPrefix" TEXT,
    "symbolSuffix" TEXT,
    "configVersion" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "trade_group_members" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "tradeGroupId" TEXT NOT NULL,
    "slaveAccount" TEXT NOT NULL,
    "slaveSettings" JSONB NOT NULL,
    "configVersion" INTEGER NOT NULL DEFAULT 1,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "status" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "trade_group_members_tradeGroupId_fkey" FOREIGN KEY ("tradeGroupId") REFERENCES "trade_groups" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "global_settings" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" JSONB NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "outbox" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "tradeGroupId" TEXT,
    "slaveAccount" TEXT,
    "payload" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" DATETIME
);

-- CreateTable
CREATE TABLE "admin_credentials" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT DEFAULT 1,
    "passwordHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "admin_sessions" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME
);

-- CreateTable
CREATE TABLE "dead_letters" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "topic" TEXT NOT NULL,
    "payload" BLOB NOT NULL,
    "reason" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "firstAttemptAt" DATETIME NOT NULL,
    "lastAttemptAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "trade_signal_journal" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "masterAccount" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "receivedAt" DATETIME NOT NULL,
    "action" TEXT NOT NULL,
    "ticket" BIGINT NOT NULL,
    "symbol" TEXT,
    "payload" JSONB NOT NULL
);

-- CreateIndex
CREATE INDEX "trade_groups_createdAt_idx" ON "trade_groups"("createdAt");

-- CreateIndex
CREATE INDEX "trade_group_members_slaveAccount_idx" ON "trade_group_members"("slaveAccount");

-- CreateIndex
CREATE UNIQUE INDEX "trade_group_members_tradeGroupId_slaveAccount_key" ON "trade_group_members"("tradeGroupId", "slaveAccount");

-- CreateIndex
CREATE INDEX "outbox_processedAt_id_idx" ON "outbox"("processedAt", "id");

-- CreateIndex
CREATE INDEX "admin_sessions_expiresAt_idx" ON "admin_sessions"("expiresAt");

-- CreateIndex
CREATE INDEX "dead_letters_firstAttemptAt_idx" ON "dead_letters"("firstAttemptAt");

-- CreateIndex
CREATE INDEX "trade_signal_journal_receivedAt_idx" ON "trade_signal_journal"("receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "trade_signal_journal_masterAccount_seq_key" ON "trade_signal_journal"("masterAccount", "seq");
