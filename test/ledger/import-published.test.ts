import path from 'node:path';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { tempDir } from '../helpers/workbooks.js';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import { importLedger, checkImport } from '../../src/ledger/import/index.js';
import { formatReport } from '../../src/ledger/import/report.js';
import { writePublishedWorkbook } from '../../src/demo/published.js';

describeEachDatabase('import published', (ctx) => {
  it('dump', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'pub-dump');
    const file = path.join(tempDir(), 'pub.xlsx');
    await writePublishedWorkbook(file, { hiddenSheet: true });
    const c = await checkImport(prisma, tenant.id, [file], { importYear: 2026 });
    console.log(formatReport(c.report, c.problems, { verbose: true }).join('\n'));
    const out = await importLedger(prisma, tenant.id, [file], { importYear: 2026 });
    expect(out.ok).toBe(true);
    const tasks = await prisma.task.findMany({ where: { tenantId: tenant.id }, include: { leadUnits: true, collectives: true, coUnits: true, leadLeaders: true } });
    console.log(JSON.stringify(tasks.map((t) => [t.code, t.serialNo, t.section, t.title, t.deadline, t.dueAsWritten, t.longTerm, t.leadUnits.length, t.collectives.map((c) => c.name), t.coUnits.length, t.leadLeaders.length, t.remark]), null, 1));
  });
});
