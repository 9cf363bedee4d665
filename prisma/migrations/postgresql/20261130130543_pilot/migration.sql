-- CreateTable
CREATE TABLE "Pilot" (
    "id" SERIAL NOT NULL,
    "tenantId" INTEGER NOT NULL,
    "taskId" INTEGER NOT NULL,
    "level" TEXT NOT NULL,
    "approvingBody" TEXT,
    "stage" TEXT NOT NULL DEFAULT '争取中',
    "documents" TEXT NOT NULL DEFAULT '',
    "contacts" TEXT NOT NULL DEFAULT '',
    "approvedOn" TEXT,
    "stageChangedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Pilot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Achievement" (
    "id" SERIAL NOT NULL,
    "tenantId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "taskId" INTEGER,
    "category" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "evidence" TEXT,
    "achievedOn" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT '待确认',
    "reporterId" INTEGER,
    "sourceRef" TEXT,
    "decidedById" INTEGER,
    "decidedAt" TIMESTAMP(3),
    "decisionNote" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Achievement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseTheme" (
    "id" SERIAL NOT NULL,
    "tenantId" INTEGER NOT NULL,
    "quarter" TEXT NOT NULL,
    "theme" TEXT NOT NULL,
    "setById" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CaseTheme_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TypicalCase" (
    "id" SERIAL NOT NULL,
    "tenantId" INTEGER NOT NULL,
    "quarter" TEXT NOT NULL,
    "unitId" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "background" TEXT NOT NULL DEFAULT '',
    "actions" TEXT NOT NULL DEFAULT '',
    "results" TEXT NOT NULL DEFAULT '',
    "evidence" TEXT,
    "contact" TEXT,
    "stage" TEXT NOT NULL DEFAULT '线索',
    "highlights" TEXT,
    "promotionValue" TEXT,
    "rating" TEXT,
    "selected" BOOLEAN NOT NULL DEFAULT false,
    "taskIds" TEXT NOT NULL DEFAULT '',
    "achievementIds" TEXT NOT NULL DEFAULT '',
    "submittedById" INTEGER,
    "sourceRef" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TypicalCase_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PromotionPlan" (
    "id" SERIAL NOT NULL,
    "tenantId" INTEGER NOT NULL,
    "pilotId" INTEGER,
    "title" TEXT NOT NULL,
    "corePractice" TEXT NOT NULL,
    "bottomLines" TEXT NOT NULL,
    "createdById" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PromotionPlan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PromotionUnit" (
    "id" SERIAL NOT NULL,
    "planId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "batch" TEXT NOT NULL,
    "startOn" TEXT NOT NULL,
    "dueOn" TEXT,

    CONSTRAINT "PromotionUnit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PromotionReport" (
    "id" SERIAL NOT NULL,
    "tenantId" INTEGER NOT NULL,
    "planId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "period" TEXT NOT NULL,
    "progress" TEXT NOT NULL,
    "problems" TEXT NOT NULL DEFAULT '',
    "adaptations" TEXT NOT NULL DEFAULT '',
    "reporterId" INTEGER,
    "sourceRef" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PromotionReport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Pilot_tenantId_stage_idx" ON "Pilot"("tenantId", "stage");

-- CreateIndex
CREATE UNIQUE INDEX "Pilot_tenantId_taskId_key" ON "Pilot"("tenantId", "taskId");

-- CreateIndex
CREATE INDEX "Achievement_tenantId_unitId_idx" ON "Achievement"("tenantId", "unitId");

-- CreateIndex
CREATE INDEX "Achievement_tenantId_status_idx" ON "Achievement"("tenantId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Achievement_tenantId_sourceRef_key" ON "Achievement"("tenantId", "sourceRef");

-- CreateIndex
CREATE UNIQUE INDEX "CaseTheme_tenantId_quarter_key" ON "CaseTheme"("tenantId", "quarter");

-- CreateIndex
CREATE INDEX "TypicalCase_tenantId_quarter_idx" ON "TypicalCase"("tenantId", "quarter");

-- CreateIndex
CREATE UNIQUE INDEX "TypicalCase_tenantId_sourceRef_key" ON "TypicalCase"("tenantId", "sourceRef");

-- CreateIndex
CREATE UNIQUE INDEX "PromotionPlan_tenantId_title_key" ON "PromotionPlan"("tenantId", "title");

-- CreateIndex
CREATE UNIQUE INDEX "PromotionUnit_planId_unitId_key" ON "PromotionUnit"("planId", "unitId");

-- CreateIndex
CREATE INDEX "PromotionReport_planId_unitId_period_idx" ON "PromotionReport"("planId", "unitId", "period");

-- CreateIndex
CREATE UNIQUE INDEX "PromotionReport_tenantId_sourceRef_key" ON "PromotionReport"("tenantId", "sourceRef");

-- AddForeignKey
ALTER TABLE "PromotionUnit" ADD CONSTRAINT "PromotionUnit_planId_fkey" FOREIGN KEY ("planId") REFERENCES "PromotionPlan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

