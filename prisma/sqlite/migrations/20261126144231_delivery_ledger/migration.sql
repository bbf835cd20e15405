-- CreateTable
CREATE TABLE "delivery_ledger" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "masterAccount" TEXT NOT NULL,
    "slaveAccount" TEXT NOT NULL,
    "ticket" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "symbol" TEXT,
    "lots" REAL,
    "openedAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "delivery_ledger_state_idx" ON "delivery_ledger"("state");

-- CreateIndex
CREATE INDEX "delivery_ledger_updatedAt_idx" ON "delivery_ledger"("updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "delivery_ledger_masterAccount_slaveAccount_ticket_key" ON "delivery_ledger"("masterAccount", "slaveAccount", "ticket");

