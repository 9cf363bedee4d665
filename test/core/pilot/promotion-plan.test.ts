import { describe, expect, it } from 'vitest';
import { parsePromotionPlanText } from '../../../src/core/pilot/promotion-plan.js';

describe('parsePromotionPlanText', () => {
  it('reads the core practice, 底线要求, batches with dates (default today) and a title', () => {
    const r = parsePromotionPlanText('三位一体培育机制 底线：不改变土地用途 首批:石堡镇、城关街道 2026-12-01 重点推广单位：县教育局，三岔乡 后续：白马滩镇 2027年3月1日 标题：家庭农场经验推广', '2026-11-20');
    expect(r).toEqual({
      ok: true,
      draft: {
        title: '家庭农场经验推广',
        corePractice: '三位一体培育机制',
        bottomLines: '不改变土地用途',
        batches: [
          { batch: '首批推广单位', unitNames: ['石堡镇', '城关街道'], startOn: '2026-12-01' },
          { batch: '重点推广单位', unitNames: ['县教育局', '三岔乡'], startOn: '2026-11-20' },
          { batch: '后续跟进单位', unitNames: ['白马滩镇'], startOn: '2027-03-01' },
        ],
      },
    });
  });

  it('refuses what is missing, twice or invalid, saying which', () => {
    const today = '2026-11-20';
    expect(parsePromotionPlanText('底线要求：x x 首批：石堡镇', today)).toMatchObject({ ok: false, reason: '缺少核心机制（推广什么做法）' });
    expect(parsePromotionPlanText('培育机制 首批：石堡镇', today)).toMatchObject({ ok: false, reason: expect.stringContaining('缺少底线要求') });
    expect(parsePromotionPlanText('培育机制 底线：不变 ', today)).toMatchObject({ ok: false, reason: expect.stringContaining('至少要有一批推广单位') });
    expect(parsePromotionPlanText('培育机制 底线：不变 首批：石堡镇 重点：石堡镇', today)).toMatchObject({ ok: false, reason: '「石堡镇」在推广单位中出现了两次' });
    expect(parsePromotionPlanText('培育机制 底线：不变 首批：石堡镇 2026-02-30', today)).toMatchObject({ ok: false, reason: expect.stringContaining('不是有效日期') });
    expect(parsePromotionPlanText('培育机制 底线：不变 底线要求：又一条 首批：石堡镇', today)).toMatchObject({ ok: false, reason: '「底线要求」写了两次' });
  });
});
