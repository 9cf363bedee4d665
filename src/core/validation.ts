// Shared zod plumbing for the office's configurable settings: one error type whose message is
// Chinese and names the field, so a bad settings file or card form gets a reply people can act on.
import { z } from 'zod';
import { isIsoDate } from './dates.js';

/** Thrown by the parse* functions of src/core when a setting is malformed. */
export class InvalidSettingsError extends Error {
  constructor(
    /** What was being read, e.g. "节假日补充配置". */
    readonly what: string,
    /** One Chinese line per problem, each prefixed with the field path. */
    readonly issues: string[],
  ) {
    super(`${what}有误：${issues.join('；')}`);
    this.name = 'InvalidSettingsError';
  }
}

const zhCN = z.locales.zhCN();

/** Parses with Chinese messages (schema-level messages first, zod's zh-CN locale as fallback). */
export function parseSettings<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input, { error: zhCN.localeError });
  if (result.success) return result.data;
  throw new InvalidSettingsError(what, result.error.issues.map(describeIssue));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  return path ? `${path}：${issue.message}` : issue.message;
}

/** 'YYYY-MM-DD' that is a real calendar date. */
export const isoDateSchema = z
  .string({ error: '应为日期字符串，格式 YYYY-MM-DD' })
  .refine((s) => isIsoDate(s), { error: (iss) => `日期格式应为 YYYY-MM-DD，且为有效日期，实际为 ${JSON.stringify(iss.input)}` });

