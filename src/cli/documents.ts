// `taizhang doc half-year|year-end|brief|cases [--period …] [--at <date>] [--out file]`: writes the
// Word document the office sends up (src/documents). Which period it covers without --period is
// src/core/document-periods.ts. Without --out the file is named after the document and its period
// (半年一通报-2026-H1.docx) in the current directory.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { AppContext } from '../app.js';
import type { Config } from '../config.js';
import type { TenantRef } from '../db/repos/tenants.js';
import { DOCUMENT_KINDS, DOCUMENT_LABELS, DocumentPeriodError, generateDocument, type DocumentKind } from '../documents/generate.js';
import { CliError, parseAt } from './args.js';
import { withApp, type CliIo } from './index.js';

export function registerDocumentCommands(program: Command, config: Config, io: CliIo, tenantOf: (app: AppContext) => Promise<TenantRef>): void {
  program
    .command('doc')
    .description(`生成报送文件（Word）：${DOCUMENT_KINDS.map((k) => `${k} ${DOCUMENT_LABELS[k]}`).join('，')}`)
    .argument('<kind>', DOCUMENT_KINDS.join(' | '))
    .option('--period <period>', '期间：半年一通报 2026-H1，盘总账 2025，简报 2026-10，案例汇编 2026Q3；不写时半年一通报取最近结束的半年（截至其末日），盘总账 1 月取上一年、其余月份取本年截至今天，简报取当月，案例汇编取当季')
    .option('--at <time>', '按该时间生成（北京时间，如 2026-07-01）')
    .option('--out <file>', '输出文件（.docx）')
    .action(async (kind: string, opts: { at?: string; out?: string; period?: string }) => {
      if (!(DOCUMENT_KINDS as readonly string[]).includes(kind)) throw new CliError(`没有「${kind}」这种文件，可选：${DOCUMENT_KINDS.join('、')}`);
      const at = parseAt(opts.at);
      await withApp(config, at, async (app) => {
        const tenant = await tenantOf(app);
        const doc = await generateDocument(app.db.prisma, kind as DocumentKind, {
          tenantId: tenant.id,
          issuer: tenant.name,
          at: app.clock.now(),
          calendar: await app.calendars.calendarFor(tenant.id),
          period: opts.period ?? null,
        }).catch((err: unknown) => {
          throw err instanceof DocumentPeriodError ? new CliError(err.message) : err;
        });
        const out = opts.out ?? doc.fileName;
        await writeFile(out, doc.buffer);
        const asOf = kind === 'half-year' || kind === 'year-end' ? `，数据截至 ${doc.asOf}` : '';
        io.out(`已生成${DOCUMENT_LABELS[doc.kind]}（${doc.label}${asOf}）：${out}（${Math.round(doc.buffer.length / 1024)} KB）`);
      });
    });
}
