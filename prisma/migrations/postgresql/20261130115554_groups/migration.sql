-- AlterTable
ALTER TABLE "Unit" ADD COLUMN     "chatName" TEXT;

-- CreateTable
CREATE TABLE "FeishuChat" (
    "id" SERIAL NOT NULL,
    "tenantId" INTEGER NOT NULL,
    "chatId" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "addedBy" TEXT,
    "addedAt" TIMESTAMP(3) NOT NULL,
    "removedAt" TIMESTAMP(3),

    CONSTRAINT "FeishuChat_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "FeishuChat_tenantId_chatId_key" ON "FeishuChat"("tenantId", "chatId");

