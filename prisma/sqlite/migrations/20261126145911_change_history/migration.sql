-- CreateTable
CREATE TABLE "change_history" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "outboxId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "tradeGroupId" TEXT,
    "slaveAccount" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "settledAt" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "change_history_outboxId_key" ON "change_history"("outboxId");

-- CreateIndex
CREATE INDEX "change_history_createdAt_idx" ON "change_history"("createdAt");

