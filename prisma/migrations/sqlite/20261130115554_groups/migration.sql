-- AlterTable
ALTER TABLE "Unit" ADD COLUMN "chatName" TEXT;

-- CreateTable
CREATE TABLE "FeishuChat" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "tenantId" INTEGER NOT NULL,
    "chatId" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "addedBy" TEXT,
    "addedAt" DATETIME NOT NULL,
    "removedAt" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "FeishuChat_tenantId_chatId_key" ON "FeishuChat"("tenantId", "chatId");

