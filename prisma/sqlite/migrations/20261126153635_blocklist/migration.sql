-- CreateTable
CREATE TABLE "blocked_eas" (
    "accountId" TEXT NOT NULL PRIMARY KEY,
    "reason" TEXT NOT NULL DEFAULT '',
    "blockedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

