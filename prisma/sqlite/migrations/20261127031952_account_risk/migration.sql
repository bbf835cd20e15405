-- CreateTable
CREATE TABLE "account_risk" (
    "accountId" TEXT NOT NULL PRIMARY KEY,
    "equityGuard" TEXT,
    "day" TEXT,
    "dayStartEquity" REAL,
    "trippedReason" TEXT,
    "trippedAt" DATETIME,
    "trippedEquity" REAL,
    "masterCloseOnly" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" DATETIME NOT NULL
);

