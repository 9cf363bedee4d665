// Regression (found by a breaker run): 兼职 with 改革办 (ADMIN) on the person's second 人员 row. findActorByOpenId makes ADMIN
// person-wide (they may 退回/销号/调整), but officeRecipients reads Person.roles only: the office's
// notices never reach them — with no other admin, they go nowhere.
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { writeXlsx } from '../helpers/workbooks.js';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { findActorByOpenId } from '../../src/ledger/actions.js';
import { officeRecipients } from '../../src/ledger/recipients.js';

const workbook = () =>
  writeXlsx({
    单位: [['单位名称', '类型'], ['石堡镇', '乡镇'], ['县委改革办', '部门']],
    人员: [['姓名', '单位', '角色', '飞书ID'], ['王五', '石堡镇', '改革联络员', 'ou_wang'], ['王五', '县委改革办', '改革办', 'ou_wang']],
    '2026年台账': [['2026年改革任务分工'], ['序号', '改革任务', '牵头单位', '配合单位', '责任领导', '完成时限'], [1, '深化预算绩效管理改革', '石堡镇', '', '', '2026年12月底前']],
  }, 'pt-admin.xlsx');

describeEachDatabase('regression: 兼职 admin', (ctx) => {
  it('a person who is 改革办 on a 兼职 row acts as ADMIN and also receives the office notices', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'pt-admin');
    const out = await importLedger(prisma, tenant.id, [await workbook()], { importYear: 2026 });
    if (!out.ok) throw new Error(JSON.stringify(out.problems));
    const actor = (await findActorByOpenId(prisma, tenant.id, 'ou_wang'))!;
    expect(actor.roles).toContain('ADMIN');
    const office = await officeRecipients(prisma, tenant.id);
    expect(office.map((r) => r.receiveId)).toContain('ou_wang');
  });
});
