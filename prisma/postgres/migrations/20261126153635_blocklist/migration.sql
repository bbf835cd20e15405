-- CreateTable
CREATE TABLE "blocked_eas" (
    "accountId" TEXT NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "blockedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "blocked_eas_pkey" PRIMARY KEY ("accountId")
);

