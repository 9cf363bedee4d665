-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "level" TEXT NOT NULL DEFAULT 'none',
ADD COLUMN     "levelOn" TEXT,
ADD COLUMN     "onTime" BOOLEAN;

-- CreateIndex
CREATE INDEX "Task_tenantId_levelOn_idx" ON "Task"("tenantId", "levelOn");

