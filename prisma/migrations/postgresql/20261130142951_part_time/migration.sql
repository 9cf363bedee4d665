-- CreateTable
CREATE TABLE "PersonUnit" (
    "id" SERIAL NOT NULL,
    "tenantId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "roles" TEXT NOT NULL DEFAULT '',
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "PersonUnit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PersonUnit_tenantId_unitId_idx" ON "PersonUnit"("tenantId", "unitId");

-- CreateIndex
CREATE UNIQUE INDEX "PersonUnit_personId_unitId_key" ON "PersonUnit"("personId", "unitId");

-- AddForeignKey
ALTER TABLE "PersonUnit" ADD CONSTRAINT "PersonUnit_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PersonUnit" ADD CONSTRAINT "PersonUnit_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

