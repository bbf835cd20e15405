-- CreateTable
CREATE TABLE "delivery_seq" (
    "masterAccount" TEXT NOT NULL,
    "slaveAccount" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "delivery_seq_pkey" PRIMARY KEY ("masterAccount","slaveAccount")
);

