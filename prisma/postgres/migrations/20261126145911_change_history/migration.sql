-- CreateTable
CREATE TABLE "change_history" (
    "id" SERIAL NOT NULL,
    "outboxId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "tradeGroupId" TEXT,
    "slaveAccount" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "settledAt" TIMESTAMP(3),

    CONSTRAINT "change_history_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "change_history_outboxId_key" ON "change_history"("outboxId");

-- CreateIndex
CREATE INDEX "change_history_createdAt_idx" ON "change_history"("createdAt");

