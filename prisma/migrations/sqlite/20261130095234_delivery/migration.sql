-- CreateTable
CREATE TABLE "DeliveryProblem" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "tenantId" INTEGER NOT NULL,
    "recipient" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "errorCode" INTEGER,
    "failures" INTEGER NOT NULL DEFAULT 1,
    "firstSeenAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,
    "notifiedAt" DATETIME,
    "resolvedAt" DATETIME
);

-- CreateIndex
CREATE INDEX "DeliveryProblem_resolvedAt_idx" ON "DeliveryProblem"("resolvedAt");

-- CreateIndex
CREATE UNIQUE INDEX "DeliveryProblem_tenantId_recipient_cause_key" ON "DeliveryProblem"("tenantId", "recipient", "cause");

