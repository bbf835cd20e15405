-- AlterTable
ALTER TABLE "dead_letters" ADD COLUMN     "action" TEXT,
ADD COLUMN     "destination" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "masterAccount" TEXT,
ADD COLUMN     "ticket" TEXT;

-- CreateTable
CREATE TABLE "parked_frames" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "masterAccount" TEXT NOT NULL,
    "slaveAccount" TEXT NOT NULL,
    "parkSeq" BIGINT NOT NULL,
    "action" TEXT NOT NULL,
    "ticket" TEXT NOT NULL,
    "payload" BYTEA NOT NULL,
    "parkedAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "parked_frames_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "parked_frames_key_key" ON "parked_frames"("key");

-- CreateIndex
CREATE INDEX "parked_frames_slaveAccount_idx" ON "parked_frames"("slaveAccount");

-- CreateIndex
CREATE INDEX "dead_letters_reason_idx" ON "dead_letters"("reason");

-- CreateIndex
CREATE INDEX "dead_letters_destination_idx" ON "dead_letters"("destination");

