-- CreateTable
CREATE TABLE "trade_signal_annex" (
    "masterAccount" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "relayId" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL,
    "filteredBy" JSONB NOT NULL,

    PRIMARY KEY ("masterAccount", "seq", "relayId")
);

-- CreateIndex
CREATE INDEX "trade_signal_annex_receivedAt_idx" ON "trade_signal_annex"("receivedAt");

