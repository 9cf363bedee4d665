-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "dueAsWritten" TEXT,
ADD COLUMN     "longTerm" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "remark" TEXT,
ADD COLUMN     "section" TEXT,
ADD COLUMN     "serialNo" TEXT;

-- AlterTable
ALTER TABLE "TaskLeadLeader" ADD COLUMN     "position" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "TaskLeadUnit" (
    "taskId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "TaskLeadUnit_pkey" PRIMARY KEY ("taskId","unitId")
);

-- CreateTable
CREATE TABLE "TaskCollective" (
    "taskId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "TaskCollective_pkey" PRIMARY KEY ("taskId","name")
);

-- CreateIndex
CREATE INDEX "TaskLeadUnit_unitId_idx" ON "TaskLeadUnit"("unitId");

-- AddForeignKey
ALTER TABLE "TaskLeadUnit" ADD CONSTRAINT "TaskLeadUnit_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskLeadUnit" ADD CONSTRAINT "TaskLeadUnit_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskCollective" ADD CONSTRAINT "TaskCollective_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

