-- CreateTable
CREATE TABLE "DeliveryProblem" (
    "id" SERIAL NOT NULL,
    "tenantId" INTEGER NOT NULL,
    "recipient" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "errorCode" INTEGER,
    "failures" INTEGER NOT NULL DEFAULT 1,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "notifiedAt" TIMESTAMP(3),
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "DeliveryProblem_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DeliveryProblem_resolvedAt_idx" ON "DeliveryProblem"("resolvedAt");

-- CreateIndex
CREATE UNIQUE INDEX "DeliveryProblem_tenantId_recipient_cause_key" ON "DeliveryProblem"("tenantId", "recipient", "cause");

