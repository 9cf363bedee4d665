-- AlterTable
ALTER TABLE "Task" ADD COLUMN "originalDeadline" TEXT;

-- CreateTable
CREATE TABLE "CardIssue" (
    "tenantId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "subjectId" INTEGER NOT NULL,
    "issuedOn" TEXT NOT NULL,

    PRIMARY KEY ("tenantId", "kind", "subjectId")
);

-- CreateTable
CREATE TABLE "ExtensionRequest" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "tenantId" INTEGER NOT NULL,
    "taskId" INTEGER NOT NULL,
    "requesterId" INTEGER NOT NULL,
    "requestedAt" DATETIME NOT NULL,
    "fromDeadline" TEXT,
    "toDeadline" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT '待审批',
    "decidedById" INTEGER,
    "decidedAt" DATETIME,
    "decisionReason" TEXT,
    "sourceRef" TEXT
);

-- CreateTable
CREATE TABLE "ProblemAnswer" (
    "reportId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "tenantId" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "answer" TEXT NOT NULL,
    "toUnitId" INTEGER,
    "byId" INTEGER NOT NULL,
    "at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Instruction" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "tenantId" INTEGER NOT NULL,
    "taskId" INTEGER NOT NULL,
    "leaderId" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    "text" TEXT NOT NULL,
    "sourceRef" TEXT
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

