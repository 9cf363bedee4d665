-- AlterTable
ALTER TABLE "ProgressReport" ADD COLUMN     "withdrawnAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "OutboxMessage_feishuMessageId_idx" ON "OutboxMessage"("feishuMessageId");

