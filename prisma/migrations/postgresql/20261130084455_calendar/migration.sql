-- CreateTable
CREATE TABLE "CalendarDay" (
    "tenantId" INTEGER NOT NULL,
    "date" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CalendarDay_pkey" PRIMARY KEY ("tenantId","date")
);

-- CreateTable
CREATE TABLE "CalendarRevision" (
    "tenantId" INTEGER NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "baseHash" TEXT NOT NULL DEFAULT '',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CalendarRevision_pkey" PRIMARY KEY ("tenantId")
);

