// `taizhang doctor`: a preflight against the configured Feishu and the database, printed as a
// Chinese checklist (✓/✗ with how to fix); exit code 1 on any ✗.
import type { Command } from 'commander';
import type { Config } from '../config.js';
import type { AppContext } from '../app.js';
import type { TenantRef } from '../db/repos/tenants.js';
import type { CliIo } from './index.js';
import { withApp } from './index.js';
import { parseAt } from './args.js';
import { checkLines, type Check } from '../doctor/report.js';

export function registerDoctorCommand(program: Command, config: Config, io: CliIo, tenantOf: (app: AppContext) => Promise<TenantRef>): void {
  program
    .command('doctor')
    .description('部署自检：飞书凭证、机器人、权限、事件、工作群、人员、节假日、数据库、时钟（有 ✗ 时退出码为 1）')
    .option('--at <time>', '按此时刻检查（北京时间，如 2026-12-01T09:00）')
    .option('--sandbox', '不连真实飞书：对内置沙箱的模拟飞书自检（与 npm start 的沙箱同一套通讯录和群），看台账、人员、工作群在其中的情况')
    .action(async (opts: { at?: string; sandbox?: boolean }) => {
      await withApp(config, parseAt(opts.at), async (app) => {
        const tenant = await tenantOf(app);
        const { feishuChecks } = await import('../doctor/feishu-checks.js');
        const { groupChecks, peopleChecks, calendarChecks, systemChecks } = await import('../doctor/ledger-checks.js');
        const sections: [string, Check[]][] = [];
        let client;
        let serverDate: Date | undefined;
        let feishu = config.feishu;
        let sandbox: { close(): Promise<void> } | undefined;
        if (opts.sandbox) {
          // The sandbox's own fake Feishu (src/sandbox), started here for the run: same people and groups.
          const [{ FakeFeishu }, { buildSandboxDirectory, fakeDirectoryOf, SANDBOX_BOT_NAME }] = await Promise.all([import('../sandbox/fake-feishu.js'), import('../sandbox/index.js')]);
          const fake = await FakeFeishu.start({
            host: '127.0.0.1', port: 0, tenantKey: tenant.key, bot: { name: SANDBOX_BOT_NAME }, ...fakeDirectoryOf(await buildSandboxDirectory(app)),
          });
          sandbox = fake;
          feishu = { ...config.feishu, appId: fake.appId, appSecret: fake.appSecret, domain: fake.url, eventMode: 'longconn', eventUrl: undefined, hasCredentials: true };
          io.out(`（沙箱自检：模拟飞书 ${fake.url}，不连接真实飞书）`);
        }
        try {
          if (!feishu.hasCredentials) {
            sections.push(['飞书', [{ ok: false, label: '未配置飞书应用凭证（FEISHU_APP_ID、FEISHU_APP_SECRET）', fix: '按 README「部署到飞书」一节创建企业自建应用，把凭证写入 .env；只想看沙箱的情况，用 taizhang doctor --sandbox' }]]);
          } else {
            const { createFeishuClient, resolveDomain } = await import('../feishu/client.js');
            client = createFeishuClient(feishu, app.logger);
            sections.push(['飞书', await feishuChecks({ ...config, feishu }, client, tenant.key)]);
            const domain = resolveDomain(feishu.domain);
            const base = typeof domain === 'string' ? domain : 'https://open.feishu.cn';
            serverDate = await fetch(`${base.replace(/\/$/, '')}/open-apis/bot/v3/info`, { signal: AbortSignal.timeout(5_000) })
              .then((r) => (r.headers.get('date') ? new Date(r.headers.get('date')!) : undefined))
              .catch(() => undefined);
          }
          sections.push(['工作群', await groupChecks(app, tenant)]);
          sections.push(['人员', await peopleChecks(app, tenant, client)]);
          sections.push(['节假日', await calendarChecks(app, tenant, { advisory: Boolean(opts.sandbox) })]);
          sections.push(['系统', await systemChecks(app, serverDate)]);
          const all = sections.flatMap(([, c]) => c);
          for (const [name, checks] of sections) for (const l of checkLines(name, checks)) io.out(l);
          const failed = all.filter((c) => !c.ok).length;
          const warned = all.filter((c) => c.ok && c.warn).length;
          const notes = warned ? `，${warned} 项提示（⚠，不影响运行，建议处理）` : '';
          io.out(failed ? `共 ${all.length} 项，${failed} 项未通过（✗）${notes}，请按「怎么办」处理后再运行 taizhang doctor。` : warned ? `共 ${all.length} 项，${all.length - warned} 项通过${notes}。` : `共 ${all.length} 项，全部通过。`);
          if (failed) process.exitCode = 1;
        } finally {
          await sandbox?.close();
        }
      });
    });
}
