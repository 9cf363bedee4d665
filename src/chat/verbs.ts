// The chat commands as data (DESIGN §3): which words start each command, how the words after it
// are read (its shape), its label and an example. The grammar (parse.ts) reads this table; the
// handlers (commands/index.ts) map each kind to what it does — adding a command is a row here, a
// kind in the shape's union below, and a handler (the compiler insists on all three).

/** Reported on a task: 编号 then text; progress also reads a trailing percent. */
export type ReportKind = 'progress' | 'problem' | 'complete' | 'urge' | 'achievement';
/** The whole message is the command ("我的任务"). */
export type ExactKind = 'help' | 'myTasks' | 'brief' | 'caseForm' | 'promotion';
/** 编号 only ("签收 QY-2026-012"). */
export type CodeKind = never;
/** 编号 and a required text ("异议 QY-2026-012 应由某局牵头"). */
export type CodeTextKind = never;
/** 编号 and an optional text. */
export type CodeOptTextKind = never;
/** A required text ("建议 …"). */
export type TextKind = 'caseTheme';
/** An optional text ("导出台账 [单位]"). */
export type OptTextKind = 'calendar' | 'exportLedger' | 'pilot';

/**
 * How the words after the verb are read:
 *  exact     — nothing may follow: the message is one of the words (spaces ignored)
 *  unit      — an optional unit name → { unitName }
 *  report    — 编号 + text (+ percent when `percent`) → { codeText, text, percent }
 *  code      — 编号 → { codeText }
 *  codeText  — 编号 + required text → { codeText, text }
 *  codeOptText — 编号 + optional text → { codeText, text: string | null }
 *  text      — required text → { text }
 *  optText   — optional text → { text: string | null }
 */
export type Shape = 'exact' | 'unit' | 'report' | 'code' | 'codeText' | 'codeOptText' | 'text' | 'optText';

export interface CommandSpec {
  kind: string;
  shape: Shape;
  /** Words that start the command (matched longest first, after width/space folding). */
  words: readonly string[];
  /** How people call it ("进展"): named in "「进展」没能登记：…". */
  label: string;
  /** A whole example message, starting with `label`. `LY-012` stands for a code of the caller's ledger. */
  example: string;
  /** What a missing text is called: "缺少进展内容". */
  textName?: string;
  /** report: a trailing "60%" is the percent. */
  percent?: boolean;
  /** exact: match the words case-insensitively (HELP). */
  caseInsensitive?: boolean;
}

export const COMMANDS = [
  { kind: 'help', shape: 'exact', words: ['帮助', 'help', '?', '菜单', '使用说明'], label: '帮助', example: '帮助', caseInsensitive: true },
  { kind: 'myTasks', shape: 'exact', words: ['我的任务', '任务', '我的事项', '事项'], label: '我的任务', example: '我的任务' },
  { kind: 'ledger', shape: 'unit', words: ['台账'], label: '台账', example: '台账 石堡镇' },
  { kind: 'progress', shape: 'report', words: ['进展', '进度', '汇报', '报送'], label: '进展', example: '进展 LY-012 完成方案起草，下步征求意见 60%', textName: '进展内容', percent: true },
  { kind: 'problem', shape: 'report', words: ['问题', '困难'], label: '问题', example: '问题 LY-012 用地指标不足', textName: '问题描述' },
  { kind: 'complete', shape: 'report', words: ['完成', '办结'], label: '完成', example: '完成 LY-012 已印发实施方案', textName: '完成情况' },
  { kind: 'urge', shape: 'report', words: ['催办'], label: '催办', example: '催办 LY-012 请本周内报送', textName: '催办要求' },
  { kind: 'calendar', shape: 'optText', words: ['日历', '工作日历'], label: '日历', example: '日历 2027' },
  { kind: 'exportLedger', shape: 'optText', words: ['导出台账', '导出'], label: '导出台账', example: '导出台账 石堡镇' },
  // Issue 16 (src/chat/commands/pilot/*).
  { kind: 'achievement', shape: 'report', words: ['成果', '报成果'], label: '成果', example: '成果 LY-012 批示 经验做法获市委主要领导批示肯定', textName: '成果类别和说明' },
  { kind: 'pilot', shape: 'optText', words: ['试点', '试点台账'], label: '试点', example: '试点 LY-012 已获批' },
  { kind: 'caseTheme', shape: 'text', words: ['案例主题', '案例征集主题'], label: '案例主题', example: '案例主题 基层治理与便民服务创新', textName: '主题' },
  { kind: 'caseForm', shape: 'exact', words: ['案例', '报送案例', '典型案例'], label: '案例', example: '案例' },
  { kind: 'promotion', shape: 'exact', words: ['推广', '复制推广', '推广进展'], label: '推广', example: '推广' },
  { kind: 'brief', shape: 'exact', words: ['简报', '推广简报', '推广动态简报'], label: '简报', example: '简报' },
] as const satisfies readonly CommandSpec[];

/** The spec of a command kind. */
export function commandSpec(kind: string): CommandSpec | undefined {
  return (COMMANDS as readonly CommandSpec[]).find((c) => c.kind === kind);
}
