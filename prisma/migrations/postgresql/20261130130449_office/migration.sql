-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "originalDeadline" TEXT;

-- CreateTable
CREATE TABLE "CardIssue" (
    "tenantId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "subjectId" INTEGER NOT NULL,
    "issuedOn" TEXT NOT NULL,

    CONSTRAINT "CardIssue_pkey" PRIMARY KEY ("tenantId","kind","subjectId")
);

-- CreateTable
CREATE TABLE "ExtensionRequest" (
    "id" SERIAL NOT NULL,
    "tenantId" INTEGER NOT NULL,
    "taskId" INTEGER NOT NULL,
    "requesterId" INTEGER NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL,
    "fromDeadline" TEXT,
    "toDeadline" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT '待审批',
    "decidedById" INTEGER,
    "decidedAt" TIMESTAMP(3),
    "decisionReason" TEXT,
    "sourceRef" TEXT,

    CONSTRAINT "ExtensionRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProblemAnswer" (
    "reportId" INTEGER NOT NULL,
    "tenantId" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "answer" TEXT NOT NULL,
    "toUnitId" INTEGER,
    "byId" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProblemAnswer_pkey" PRIMARY KEY ("reportId")
);

-- CreateTable
CREATE TABLE "Instruction" (
    "id" SERIAL NOT NULL,
    "tenantId" INTEGER NOT NULL,
    "taskId" INTEGER NOT NULL,
    "leaderId" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "text" TEXT NOT NULL,
    "sourceRef" TEXT,

    CONSTRAINT "Instruction_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ExtensionRequest_tenantId_status_idx" ON "ExtensionRequest"("tenantId", "status");

-- CreateIndex
CREATE INDEX "ExtensionRequest_taskId_idx" ON "ExtensionRequest"("taskId");

-- CreateIndex
CREATE UNIQUE INDEX "ExtensionRequest_tenantId_sourceRef_key" ON "ExtensionRequest"("tenantId", "sourceRef");

-- CreateIndex
CREATE INDEX "ProblemAnswer_tenantId_idx" ON "ProblemAnswer"("tenantId");

-- CreateIndex
CREATE INDEX "Instruction_taskId_idx" ON "Instruction"("taskId");

-- CreateIndex
CREATE UNIQUE INDEX "Instruction_tenantId_sourceRef_key" ON "Instruction"("tenantId", "sourceRef");

