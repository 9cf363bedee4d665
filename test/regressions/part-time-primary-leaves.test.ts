// Regression (found by a breaker run): 兼职 whose PRIMARY row goes 离岗 while the further unit's row stays 在岗 (moved to the
// other unit). The person record goes inactive, and with it the still-active further unit: the
// person can no longer use the bot for the unit they still work for, and receives nothing for it.
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { writeCsvFolder } from '../helpers/workbooks.js';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { findActorByOpenId } from '../../src/ledger/actions.js';
import { unitPeople } from '../../src/ledger/recipients.js';

const UNITS = [['单位名称', '类型'], ['县委改革办', '部门'], ['甲镇', '乡镇'], ['乙局', '部门']];
const HEAD = ['姓名', '单位', '角色', '手机', '邮箱', '飞书ID', '状态'];
const OFFICE = ['周主任', '县委改革办', '改革办', '', '', 'ou_o', ''];
const LEDGER = [['编号', '改革事项', '牵头单位', '配合单位', '完成时限', '状态'], ['PT-002', '乙局的事项', '乙局', '', '2026-12-26', '']];
const sheet = (people: string[][]) => writeCsvFolder({ 单位: UNITS, 人员: [HEAD, ...people], 台账: LEDGER });

describeEachDatabase('regression: 兼职 primary row 离岗', (ctx) => {
  it('the person still acts for, and is reached in, the unit whose row stays 在岗', async () => {
    const { prisma } = ctx();
    const tenant = await ensureTenant(prisma, 'pt-leave');
    const first = await importLedger(prisma, tenant.id, [sheet([OFFICE, ['赵敏', '甲镇', '改革联络员', '13800001111', '', 'ou_zhao', ''], ['赵敏', '乙局', '改革联络员', '13800001111', '', 'ou_zhao', '']])]);
    if (!first.ok) throw new Error('first import failed');
    const yi = await prisma.unit.findFirstOrThrow({ where: { tenantId: tenant.id, name: '乙局' } });
    expect((await findActorByOpenId(prisma, tenant.id, 'ou_zhao'))?.units?.map((u) => u.unitName)).toEqual(['甲镇', '乙局']);
    // 赵敏 leaves 甲镇 and stays 乙局's 联络员.
    const second = await importLedger(prisma, tenant.id, [sheet([OFFICE, ['赵敏', '甲镇', '改革联络员', '13800001111', '', 'ou_zhao', '离岗'], ['赵敏', '乙局', '改革联络员', '13800001111', '', 'ou_zhao', '在岗']])]);
    if (!second.ok) throw new Error('second import failed');
    const stored = await prisma.person.findFirstOrThrow({ where: { tenantId: tenant.id, openId: 'ou_zhao' }, include: { otherUnits: true } });
    expect(stored.otherUnits.map((o) => [o.unitId, o.active])).toEqual([[yi.id, true]]); // the further unit is active…
    const actor = await findActorByOpenId(prisma, tenant.id, 'ou_zhao');
    expect(actor).not.toBeNull();
    expect(actor?.units?.map((u) => u.unitName)).toContain('乙局');
    expect((await unitPeople(prisma, tenant.id, yi.id, ['LIAISON'])).map((r) => r.receiveId)).toEqual(['ou_zhao']);
  });
});
