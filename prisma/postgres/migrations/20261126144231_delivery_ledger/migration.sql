-- CreateTable
CREATE TABLE "delivery_ledger" (
    "id" SERIAL NOT NULL,
    "masterAccount" TEXT NOT NULL,
    "slaveAccount" TEXT NOT NULL,
    "ticket" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "symbol" TEXT,
    "lots" DOUBLE PRECISION,
    "openedAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "delivery_ledger_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "delivery_ledger_state_idx" ON "delivery_ledger"("state");

-- CreateIndex
CREATE INDEX "delivery_ledger_updatedAt_idx" ON "delivery_ledger"("updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "delivery_ledger_masterAccount_slaveAccount_ticket_key" ON "delivery_ledger"("masterAccount", "slaveAccount", "ticket");

