import { describe, expect, it } from 'vitest';
import { matchTasks, type ExistingTask } from '../../src/core/task-match.js';

const stored: ExistingTask[] = [
  { code: 'QY-2026-001', title: '推进工程建设项目审批制度改革', leadUnits: ['区政务服务局'] },
  { code: 'QY-2026-002', title: '深化农村集体产权制度改革', leadUnits: ['区农业农村局'] },
  { code: 'QY-2026-003', title: '推进预算绩效管理改革', leadUnits: ['区财政局', '区税务局'] },
  { code: 'QY-2026-004', title: '开展营商环境评价', leadUnits: ['区发改局'] },
  { code: 'QY-2026-005', title: '开展营商环境评价', leadUnits: ['区市场监管局'] },
];

describe('matchTasks (re-import of a ledger without codes)', () => {
  it('the same file matches every row by title within its lead unit', () => {
    const rows = stored.map((t) => ({ title: t.title, leadUnits: t.leadUnits }));
    expect(matchTasks(stored, rows).map((m) => (m.how === 'title' ? m.code : m.how))).toEqual(stored.map((t) => t.code));
  });

  it('rows inserted, reordered, numbered and retitled slightly still find their tasks', () => {
    const rows = [
      { title: '1.新增：推进数字政府建设。', leadUnits: ['区大数据局'] },
      { title: '2.★推进预算绩效管理改革。', leadUnits: ['区税务局'] },
      { title: '3.深入推进工程建设项目审批制度改革', leadUnits: ['区政务服务局'] },
      { title: '深化农村集体产权制度改革', leadUnits: ['区农业农村局'] },
    ];
    expect(matchTasks(stored, rows)).toEqual([
      { how: 'new' },
      { how: 'title', code: 'QY-2026-003', similarity: 1, leadChanged: false },
      { how: 'similar-title', code: 'QY-2026-001', similarity: expect.any(Number), leadChanged: false },
      { how: 'title', code: 'QY-2026-002', similarity: 1, leadChanged: false },
    ]);
  });

  it('codes win when the file has them, even with a new title', () => {
    expect(matchTasks(stored, [{ code: 'qy-2026-2', title: '全新标题', leadUnits: ['区农业农村局'] }])).toEqual([{ how: 'code', code: 'QY-2026-002', similarity: 0, leadChanged: false }]);
    expect(matchTasks(stored, [{ code: 'QY-2026-099', title: '全新标题', leadUnits: ['x'] }])).toEqual([{ how: 'new' }]);
  });

  it('the same title under two lead units is told apart by the lead; with neither lead it is ambiguous', () => {
    expect(matchTasks(stored, [{ title: '开展营商环境评价', leadUnits: ['区市场监管局'] }])[0]).toMatchObject({ how: 'title', code: 'QY-2026-005' });
    expect(matchTasks(stored, [{ title: '开展营商环境评价', leadUnits: ['区商务局'] }])).toEqual([{ how: 'ambiguous', candidates: ['QY-2026-004', 'QY-2026-005'] }]);
  });

  it('a changed lead unit is still the same task, flagged', () => {
    expect(matchTasks(stored, [{ title: '深化农村集体产权制度改革', leadUnits: ['区委农办'] }])).toEqual([{ how: 'title', code: 'QY-2026-002', similarity: 1, leadChanged: true }]);
  });

  it('each stored task is matched at most once; the closer row wins a similar title', () => {
    const rows = [
      { title: '推进工程项目审批改革', leadUnits: ['区政务服务局'] },
      { title: '推进工程建设项目审批制度改革。', leadUnits: ['区政务服务局'] },
    ];
    const m = matchTasks(stored, rows);
    expect(m[1]).toMatchObject({ how: 'title', code: 'QY-2026-001' });
    expect(m[0]).toEqual({ how: 'new' });
  });

  it('an empty title never matches', () => {
    expect(matchTasks(stored, [{ title: '。', leadUnits: ['区发改局'] }])).toEqual([{ how: 'new' }]);
  });
});
