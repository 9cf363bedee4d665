// The chart renderer (src/documents/charts.ts): text is outlined with the fonts once per distinct
// label and kept for the process, so a second chart with the same labels opens no font at all.
// Prints a micro-benchmark (first chart, same chart again, a chart with one new label).
import { performance } from 'node:perf_hooks';
import { expect, it } from 'vitest';
import { barChartPng, chartFontLoads, pieChartPng } from '../../src/documents/charts.js';

const units = ['城关街道', '石堡镇', '白马滩镇', '三岔乡', '县农业农村局', '县公安局', '县司法局', '县教育局', '县卫生健康局', '县自然资源局'];
const items = units.map((name, i) => ({ name, value: 10 + i * 3 }));
const timed = <T>(fn: () => T): [T, number] => {
  const t = performance.now();
  const out = fn();
  return [out, performance.now() - t];
};

it('opens the fonts once for a chart\'s new text and never for text it has drawn before', () => {
  const loads0 = chartFontLoads();
  const [first, firstMs] = timed(() => barChartPng('各单位得分（测试）', items, '分'));
  expect(chartFontLoads() - loads0).toBe(1); // all of the chart's text in one pass
  const [second, secondMs] = timed(() => barChartPng('各单位得分（测试）', items, '分'));
  expect(chartFontLoads() - loads0).toBe(1); // nothing new: no font opened
  expect(second.png.equals(first.png)).toBe(true);
  const [renamed, renamedMs] = timed(() => barChartPng('各单位得分（测试）', items.map((it, i) => (i === 0 ? { ...it, name: '新设街道' } : it)), '分'));
  expect(chartFontLoads() - loads0).toBe(2); // the one new label
  // Known text at other places (one bar fewer: every label moves) needs no font either.
  const [fewer, fewerMs] = timed(() => barChartPng('各单位得分（测试）', items.slice(1), '分'));
  expect(chartFontLoads() - loads0).toBe(2);
  expect(fewer.png.equals(first.png)).toBe(false);
  // The text is drawn: another label gives another picture.
  expect(renamed.png.equals(first.png)).toBe(false);
  expect(first.png.subarray(1, 4).toString()).toBe('PNG');
  console.log(`图表：首张 ${firstMs.toFixed(0)} ms，同一图表再画 ${secondMs.toFixed(0)} ms，换一个单位名 ${renamedMs.toFixed(0)} ms，少一个单位（标签都移了位置）${fewerMs.toFixed(0)} ms`);
});

it('draws a pie chart with its labels and legend', () => {
  const a = pieChartPng('事项状态（测试）', [{ name: '推进中', value: 10 }, { name: '已销号', value: 3 }]);
  const b = pieChartPng('事项状态（测试）', [{ name: '推进中', value: 10 }, { name: '已撤销', value: 3 }]);
  expect([a.width, a.height]).toEqual([600, 360]);
  expect(a.png.equals(b.png)).toBe(false);
});
