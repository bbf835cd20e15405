-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "trade_groups" (
    "id" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "symbolPrefix" TEXT,
    "symbolSuffix" TEXT,
    "configVersion" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "trade_groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trade_group_members" (
    "id" SERIAL NOT NULL,
    "tradeGroupId" TEXT NOT NULL,
    "slaveAccount" TEXT NOT NULL,
    "slaveSettings" JSONB NOT NULL,
    "configVersion" INTEGER NOT NULL DEFAULT 1,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "status" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "trade_group_members_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "global_settings" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "global_settings_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "outbox" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "tradeGroupId" TEXT,
    "slaveAccount" TEXT,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "admin_credentials" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "passwordHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "admin_credentials_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "admin_sessions" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3),

    CONSTRAINT "admin_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dead_letters" (
    "id" SERIAL NOT NULL,
    "topic" TEXT NOT NULL,
    "payload" BYTEA NOT NULL,
    "reason" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "firstAttemptAt" TIMESTAMP(3) NOT NULL,
    "lastAttemptAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "dead_letters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trade_signal_journal" (
    "id" SERIAL NOT NULL,
    "masterAccount" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "action" TEXT NOT NULL,
    "ticket" BIGINT NOT NULL,
    "symbol" TEXT,
    "payload" JSONB NOT NULL,

    CONSTRAINT "trade_signal_journal_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "trade_group_members" ADD CONSTRAINT "trade_group_members_tradeGroupId_fkey" FOREIGN KEY ("tradeGroupId") REFERENCES "trade_groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;
