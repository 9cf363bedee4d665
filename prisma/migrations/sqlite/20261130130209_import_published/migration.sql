-- CreateTable
CREATE TABLE "TaskLeadUnit" (
    "taskId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,

    PRIMARY KEY ("taskId", "unitId"),
    CONSTRAINT "TaskLeadUnit_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "TaskLeadUnit_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TaskCollective" (
    "taskId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    PRIMARY KEY ("taskId", "name"),
    CONSTRAINT "TaskCollective_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Task" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "tenantId" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "codeKey" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "category" TEXT NOT NULL DEFAULT '其他',
    "batch" TEXT,
    "leadUnitId" INTEGER NOT NULL,
    "ownerId" INTEGER,
    "ownerName" TEXT,
    "deliverable" TEXT,
    "implementationPath" TEXT,
    "startDate" TEXT,
    "deadline" TEXT,
    "dueAsWritten" TEXT,
    "longTerm" BOOLEAN NOT NULL DEFAULT false,
    "section" TEXT,
    "serialNo" TEXT,
    "remark" TEXT,
    "status" TEXT NOT NULL DEFAULT '待签收',
    "statusReason" TEXT,
    "weight" REAL NOT NULL DEFAULT 1,
    "tags" TEXT NOT NULL DEFAULT '',
    "lastReportAt" DATETIME,
    "lastPercent" INTEGER,
    "completedOn" TEXT,
    "closedOn" TEXT,
    "level" TEXT NOT NULL DEFAULT 'none',
    "levelOn" TEXT,
    "onTime" BOOLEAN,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Task_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Task_leadUnitId_fkey" FOREIGN KEY ("leadUnitId") REFERENCES "Unit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Task_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Person" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Task" ("batch", "category", "closedOn", "code", "codeKey", "completedOn", "createdAt", "deadline", "deliverable", "id", "implementationPath", "lastPercent", "lastReportAt", "leadUnitId", "level", "levelOn", "onTime", "ownerId", "ownerName", "startDate", "status", "statusReason", "tags", "tenantId", "title", "updatedAt", "weight") SELECT "batch", "category", "closedOn", "code", "codeKey", "completedOn", "createdAt", "deadline", "deliverable", "id", "implementationPath", "lastPercent", "lastReportAt", "leadUnitId", "level", "levelOn", "onTime", "ownerId", "ownerName", "startDate", "status", "statusReason", "tags", "tenantId", "title", "updatedAt", "weight" FROM "Task";
DROP TABLE "Task";
ALTER TABLE "new_Task" RENAME TO "Task";
CREATE INDEX "Task_tenantId_leadUnitId_idx" ON "Task"("tenantId", "leadUnitId");
CREATE INDEX "Task_tenantId_status_idx" ON "Task"("tenantId", "status");
CREATE INDEX "Task_tenantId_levelOn_idx" ON "Task"("tenantId", "levelOn");
CREATE UNIQUE INDEX "Task_tenantId_codeKey_key" ON "Task"("tenantId", "codeKey");
CREATE TABLE "new_TaskLeadLeader" (
    "taskId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("taskId", "personId"),
    CONSTRAINT "TaskLeadLeader_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "TaskLeadLeader_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_TaskLeadLeader" ("personId", "taskId") SELECT "personId", "taskId" FROM "TaskLeadLeader";
DROP TABLE "TaskLeadLeader";
ALTER TABLE "new_TaskLeadLeader" RENAME TO "TaskLeadLeader";
CREATE INDEX "TaskLeadLeader_personId_idx" ON "TaskLeadLeader"("personId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "TaskLeadUnit_unitId_idx" ON "TaskLeadUnit"("unitId");

