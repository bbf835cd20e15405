-- CreateTable
CREATE TABLE "parked_frames" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "masterAccount" TEXT NOT NULL,
    "slaveAccount" TEXT NOT NULL,
    "parkSeq" BIGINT NOT NULL,
    "action" TEXT NOT NULL,
    "ticket" TEXT NOT NULL,
    "payload" BLOB NOT NULL,
    "parkedAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_dead_letters" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "topic" TEXT NOT NULL,
    "payload" BLOB NOT NULL,
    "reason" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "firstAttemptAt" DATETIME NOT NULL,
    "lastAttemptAt" DATETIME NOT NULL,
    "destination" TEXT NOT NULL DEFAULT '',
    "masterAccount" TEXT,
    "ticket" TEXT,
    "action" TEXT
);
INSERT INTO "new_dead_letters" ("attempts", "firstAttemptAt", "id", "lastAttemptAt", "payload", "reason", "topic") SELECT "attempts", "firstAttemptAt", "id", "lastAttemptAt", "payload", "reason", "topic" FROM "dead_letters";
DROP TABLE "dead_letters";
ALTER TABLE "new_dead_letters" RENAME TO "dead_letters";
CREATE INDEX "dead_letters_firstAttemptAt_idx" ON "dead_letters"("firstAttemptAt");
CREATE INDEX "dead_letters_reason_idx" ON "dead_letters"("reason");
CREATE INDEX "dead_letters_destination_idx" ON "dead_letters"("destination");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "parked_frames_key_key" ON "parked_frames"("key");

-- CreateIndex
CREATE INDEX "parked_frames_slaveAccount_idx" ON "parked_frames"("slaveAccount");

