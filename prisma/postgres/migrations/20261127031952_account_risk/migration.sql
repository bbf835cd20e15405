-- CreateTable
CREATE TABLE "account_risk" (
    "accountId" TEXT NOT NULL,
    "equityGuard" TEXT,
    "day" TEXT,
    "dayStartEquity" DOUBLE PRECISION,
    "trippedReason" TEXT,
    "trippedAt" TIMESTAMP(3),
    "trippedEquity" DOUBLE PRECISION,
    "masterCloseOnly" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "account_risk_pkey" PRIMARY KEY ("accountId")
);

