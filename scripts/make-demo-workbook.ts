// Writes demo/示范台账.xlsx from src/demo/ledger.ts (the sheets and headers an office would use) and
// demo/示范台账-公布格式.xlsx from src/demo/published.ts (the layout offices publish; `taizhang demo --layout published`).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { demoMilestones, demoPeople, demoTasks, demoUnits } from '../src/demo/ledger.js';
import { writePublishedWorkbook } from '../src/demo/published.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_WORKBOOK = path.join(root, 'demo/示范台账.xlsx');
export const PUBLISHED_DEMO_WORKBOOK = path.join(root, 'demo/示范台账-公布格式.xlsx');

export async function writeDemoWorkbook(file = DEMO_WORKBOOK): Promise<string> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Taizhang';
  wb.created = new Date('2026-11-21T00:00:00Z');
  wb.modified = wb.created;
  const sheet = (name: string, headers: string[], rows: (string | Date | undefined)[][]) => {
    const ws = wb.addWorksheet(name);
    ws.addRow(headers).font = { bold: true };
    for (const r of rows) ws.addRow(r.map((v) => v ?? null));
    ws.columns.forEach((col) => (col.width = 16));
  };
  sheet('单位', ['单位名称', '类型', '上级单位', '工作群ID'], demoUnits.map((u) => [u.name, u.kind, u.parent, u.chatId]));
  sheet('人员', ['姓名', '单位', '角色', '手机', '邮箱', '飞书ID'], demoPeople.map((p) => [p.name, p.unit, p.roles, p.mobile, undefined, p.openId]));
  // Deadlines as real Excel dates (as offices type them); start dates as text, to cover both.
  const asDate = (s: string) => new Date(`${s}T00:00:00Z`);
  sheet(
    '台账',
    ['编号', '改革事项', '类别', '批次', '领衔领导', '牵头单位', '配合单位', '责任人', '成果形式', '实施路径', '开始时间', '完成时限', '状态', '完成日期', '销号日期'],
    demoTasks.map((t) => [t.code, t.title, t.category, t.batch, t.leaders, t.leadUnit, t.coUnits, t.owner, t.deliverable, t.path, t.start.replace(/-0?/g, '/'), asDate(t.deadline), t.status, t.completedOn, t.closedOn]),
  );
  sheet('节点', ['编号', '节点名称', '完成时限', '完成日期'], demoMilestones.map((m) => [m.code, m.title, asDate(m.due), m.done ? asDate(m.done) : undefined]));
  wb.getWorksheet('台账')!.getColumn(12).numFmt = 'yyyy-mm-dd';
  mkdirSync(path.dirname(file), { recursive: true });
  await wb.xlsx.writeFile(file);
  return file;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  console.log(`已写入 ${await writeDemoWorkbook()}`);
  await writePublishedWorkbook(PUBLISHED_DEMO_WORKBOOK);
  console.log(`已写入 ${PUBLISHED_DEMO_WORKBOOK}`);
}
