-- CreateTable
CREATE TABLE "RateSlot" (
    "grant" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "grantedMs" REAL NOT NULL,
    "doneMs" REAL,

    PRIMARY KEY ("grant", "key")
);

-- CreateIndex
CREATE INDEX "RateSlot_key_doneMs_idx" ON "RateSlot"("key", "doneMs");

-- CreateIndex
CREATE INDEX "RateSlot_doneMs_idx" ON "RateSlot"("doneMs");

