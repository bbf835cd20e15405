-- DropIndex
DROP INDEX "delivery_ledger_masterAccount_slaveAccount_ticket_key";

-- CreateIndex
CREATE UNIQUE INDEX "delivery_ledger_masterAccount_ticket_slaveAccount_key" ON "delivery_ledger"("masterAccount", "ticket", "slaveAccount");

