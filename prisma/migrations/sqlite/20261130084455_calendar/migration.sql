-- CreateTable
CREATE TABLE "CalendarDay" (
    "tenantId" INTEGER NOT NULL,
    "date" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("tenantId", "date")
);

-- CreateTable
CREATE TABLE "CalendarRevision" (
    "tenantId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "baseHash" TEXT NOT NULL DEFAULT '',
    "updatedAt" DATETIME NOT NULL
);

