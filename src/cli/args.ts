// CLI argument parsing shared by the commands (validated with zod, errors in Chinese).
import { z } from 'zod';
import { SHANGHAI_OFFSET_MS } from '../core/dates.js';

/**
 * `--at`: an ISO date-time. Without a zone it is read as Asia/Shanghai wall-clock time, which is
 * what an office means by "2026-07-01 09:00".
 */
export const atSchema = z.string().transform((raw, ctx) => {
  const s = raw.trim().replace(' ', 'T');
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `时间「${raw}」格式不对，应写作 2026-07-01T09:00（北京时间）或带时区的 ISO 时间` });
    return z.NEVER;
  }
  const [, date, hh = '00', mm = '00', ss = '00', zone] = m;
  const base = Date.parse(`${date}T${hh}:${mm}:${ss}.000Z`);
  let ms: number;
  if (!zone) ms = base - SHANGHAI_OFFSET_MS;
  else if (zone === 'Z') ms = base;
  else {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms = base - sign * (Number(digits.slice(0, 2)) * 3600_000 + Number(digits.slice(2)) * 60_000);
  }
  const d = new Date(ms);
  if (Number.isNaN(d.getTime()) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
    ctx.addIssue({ code: 'custom', message: `时间「${raw}」不是有效日期` });
    return z.NEVER;
  }
  return d;
});

export function parseAt(raw: string | undefined): Date | undefined {
  if (raw === undefined) return undefined;
  const r = atSchema.safeParse(raw);
  if (!r.success) throw new CliError(r.error.issues[0]!.message);
  return r.data;
}

/** An error the CLI prints as one Chinese line, without a stack trace. */
export class CliError extends Error {}
