// `taizhang loop-export topics <会议> <file.xlsx>` — a meeting's 深改委议题清单;
// `taizhang loop-export assessment <年度> <file.xlsx>` — the annual assessment with every score explained.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { AppContext } from '../app.js';
import type { Config } from '../config.js';
import type { TenantRef } from '../db/repos/tenants.js';
import { assessUnits } from '../core/loop/assessment.js';
import { listReserve } from '../loop/reserve.js';
import { assessmentWorkbook, topicsWorkbook } from '../loop/excel.js';
import { loadAssessment } from '../jobs/loop-data.js';
import { CliError } from './args.js';
import { withApp, type CliIo } from './index.js';

export function registerLoopCommands(program: Command, config: Config, io: CliIo, tenantOf: (app: AppContext) => Promise<TenantRef>): void {
  program
    .command('loop-export')
    .description('改革闭环导出：topics <会议> <文件.xlsx>（深改委议题清单）或 assessment <年度> <文件.xlsx>（年度考核，含计算说明）')
    .argument('<what>', 'topics 或 assessment')
    .argument('<which>', '会议名称（topics）或年度（assessment）')
    .argument('<file>', '输出的 .xlsx 文件')
    .action(async (what: string, which: string, file: string) => {
      if (!file.toLowerCase().endsWith('.xlsx')) throw new CliError('导出文件名应以 .xlsx 结尾');
      if (what !== 'topics' && what !== 'assessment') throw new CliError('请写 topics（议题清单）或 assessment（年度考核）');
      await withApp(config, undefined, async (app) => {
        const tenant = await tenantOf(app);
        if (what === 'topics') {
          const items = await listReserve(app.db.prisma, tenant.id, { meeting: which });
          await writeFile(file, await topicsWorkbook(which, items));
          io.out(`已导出 ${file}：${which}议题 ${items.length} 项`);
          return;
        }
        if (!/^\d{4}$/.test(which)) throw new CliError('年度应为四位数字，如 2026');
        const data = await loadAssessment(app.db.prisma, tenant.id, Number(which));
        const ranked = assessUnits(data.units, data.weights, `${which}-12-31`);
        await writeFile(file, await assessmentWorkbook(Number(which), ranked));
        io.out(`已导出 ${file}：${which} 年度考核 ${ranked.length} 个单位`);
      });
    });
}
