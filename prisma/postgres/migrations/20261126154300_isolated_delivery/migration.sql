-- AlterTable
ALTER TABLE "trade_groups" ADD COLUMN     "delivery" TEXT NOT NULL DEFAULT 'shared';

-- CreateTable
CREATE TABLE "member_aliases" (
    "alias" TEXT NOT NULL,
    "masterAccount" TEXT NOT NULL,
    "slaveAccount" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "member_aliases_pkey" PRIMARY KEY ("alias")
);

-- CreateIndex
CREATE UNIQUE INDEX "member_aliases_masterAccount_slaveAccount_key" ON "member_aliases"("masterAccount", "slaveAccount");

