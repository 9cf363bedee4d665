-- AlterTable
ALTER TABLE "ProgressReport" ADD COLUMN "withdrawnAt" DATETIME;

-- CreateIndex
CREATE INDEX "OutboxMessage_feishuMessageId_idx" ON "OutboxMessage"("feishuMessageId");

