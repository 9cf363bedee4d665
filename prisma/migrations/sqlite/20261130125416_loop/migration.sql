-- CreateTable
CREATE TABLE "Suggestion" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "tenantId" INTEGER NOT NULL,
    "number" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "serial" INTEGER NOT NULL,
    "suggesterId" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "problem" TEXT,
    "proposal" TEXT,
    "proposedLeadUnit" TEXT,
    "ownerId" INTEGER,
    "status" TEXT NOT NULL DEFAULT '待处理',
    "outcome" TEXT,
    "studyUnitId" INTEGER,
    "studyDue" TEXT,
    "studyAnswer" TEXT,
    "mergedIntoId" INTEGER,
    "sourceRef" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ReserveItem" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "tenantId" INTEGER NOT NULL,
    "number" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "serial" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT,
    "source" TEXT NOT NULL,
    "suggestionId" INTEGER,
    "tags" TEXT NOT NULL DEFAULT '',
    "meeting" TEXT,
    "status" TEXT NOT NULL DEFAULT '待审查',
    "taskId" INTEGER,
    "createdById" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "RiskReview" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "tenantId" INTEGER NOT NULL,
    "reserveItemId" INTEGER,
    "taskId" INTEGER,
    "dimensions" TEXT NOT NULL,
    "verdict" TEXT NOT NULL,
    "reviewerId" INTEGER NOT NULL,
    "reviewedAt" DATETIME NOT NULL,
    "sourceRef" TEXT
);

-- CreateTable
CREATE TABLE "TaskOrigin" (
    "taskId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "tenantId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "reserveItemId" INTEGER,
    "suggestionId" INTEGER,
    "callId" INTEGER,
    "lookbackId" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Outpost" (
    "tenantId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("tenantId", "unitId")
);

-- CreateTable
CREATE TABLE "OpenCall" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "tenantId" INTEGER NOT NULL,
    "number" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "serial" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "requirements" TEXT NOT NULL,
    "support" TEXT,
    "deadline" TEXT NOT NULL,
    "audience" TEXT NOT NULL DEFAULT 'all',
    "status" TEXT NOT NULL DEFAULT '征集中',
    "winnerId" INTEGER,
    "taskId" INTEGER,
    "createdById" INTEGER NOT NULL,
    "sourceRef" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "CallApplication" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "tenantId" INTEGER NOT NULL,
    "callId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "applicantId" INTEGER NOT NULL,
    "plan" TEXT NOT NULL,
    "teamLead" TEXT NOT NULL,
    "expected" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT '已揭榜',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Lookback" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "tenantId" INTEGER NOT NULL,
    "taskId" INTEGER NOT NULL,
    "dueOn" TEXT NOT NULL,
    "answer" TEXT,
    "evidence" TEXT,
    "numbers" TEXT,
    "answeredById" INTEGER,
    "answeredAt" DATETIME,
    "followUpTaskId" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "Suggestion_tenantId_status_idx" ON "Suggestion"("tenantId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Suggestion_tenantId_number_key" ON "Suggestion"("tenantId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "Suggestion_tenantId_year_serial_key" ON "Suggestion"("tenantId", "year", "serial");

-- CreateIndex
CREATE UNIQUE INDEX "Suggestion_tenantId_sourceRef_key" ON "Suggestion"("tenantId", "sourceRef");

-- CreateIndex
CREATE INDEX "ReserveItem_tenantId_status_idx" ON "ReserveItem"("tenantId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ReserveItem_tenantId_number_key" ON "ReserveItem"("tenantId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "ReserveItem_tenantId_year_serial_key" ON "ReserveItem"("tenantId", "year", "serial");

-- CreateIndex
CREATE UNIQUE INDEX "ReserveItem_tenantId_suggestionId_key" ON "ReserveItem"("tenantId", "suggestionId");

-- CreateIndex
CREATE INDEX "RiskReview_tenantId_reserveItemId_idx" ON "RiskReview"("tenantId", "reserveItemId");

-- CreateIndex
CREATE INDEX "RiskReview_tenantId_taskId_idx" ON "RiskReview"("tenantId", "taskId");

-- CreateIndex
CREATE UNIQUE INDEX "RiskReview_tenantId_sourceRef_key" ON "RiskReview"("tenantId", "sourceRef");

-- CreateIndex
CREATE INDEX "TaskOrigin_tenantId_kind_idx" ON "TaskOrigin"("tenantId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "OpenCall_tenantId_number_key" ON "OpenCall"("tenantId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "OpenCall_tenantId_year_serial_key" ON "OpenCall"("tenantId", "year", "serial");

-- CreateIndex
CREATE UNIQUE INDEX "OpenCall_tenantId_sourceRef_key" ON "OpenCall"("tenantId", "sourceRef");

-- CreateIndex
CREATE INDEX "CallApplication_tenantId_unitId_idx" ON "CallApplication"("tenantId", "unitId");

-- CreateIndex
CREATE UNIQUE INDEX "CallApplication_callId_unitId_key" ON "CallApplication"("callId", "unitId");

-- CreateIndex
CREATE INDEX "Lookback_tenantId_dueOn_idx" ON "Lookback"("tenantId", "dueOn");

-- CreateIndex
CREATE UNIQUE INDEX "Lookback_taskId_dueOn_key" ON "Lookback"("taskId", "dueOn");

