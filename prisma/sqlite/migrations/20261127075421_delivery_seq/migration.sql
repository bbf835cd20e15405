-- CreateTable
CREATE TABLE "delivery_seq" (
    "masterAccount" TEXT NOT NULL,
    "slaveAccount" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("masterAccount", "slaveAccount")
);

