// The chat commands as data (DESIGN §3): which words start each command, how the words after it
// are read (its shape), its label and an example. The grammar (parse.ts) reads this table; the
// handlers (commands/index.ts) map each kind to what it does — adding a command is a row here, a
// kind in the shape's union below, and a handler (the compiler insists on all three).

/** Reported on a task: 编号 then text; progress also reads a trailing percent. */
export type ReportKind = 'progress' | 'problem' | 'complete' | 'urge' | 'achievement';
/** The whole message is the command ("我的任务"). */
export type ExactKind = 'help' | 'myTasks' | 'unbindGroup' | 'groupList' | 'todo' | 'unreported' | 'newTask' | 'promotion' | LoopExactKind;
/** The reform loop's whole-message commands (储备库, 发榜…). */
export type LoopExactKind = 'suggestions' | 'reserve' | 'publishCall' | 'calls' | 'lookbacks';
/** 编号 only ("签收 QY-2026-012"). */
export type CodeKind = 'sign' | 'close' | 'redispatch' | 'withdraw' | 'view' | 'resume' | 'approveExtension' | 'adjust' | 'adopt' | 'risk' | 'launch';
/** 编号 and a required text ("异议 QY-2026-012 应由某局牵头"). */
export type CodeTextKind = 'dispute' | 'sendBack' | 'extend' | 'pause' | 'instruct' | 'resolveDispute' | 'rejectExtension' | 'problemReply' | 'problemDone' | 'problemTransfer' | 'cancel' | 'decline' | 'study' | 'merge' | 'topic';
/** 编号 and an optional text. */
export type CodeOptTextKind = 'promotionPlan';
/** A required text ("建议 …"). */
export type TextKind = 'caseTheme';
/** An optional text ("导出台账 [单位]"). */
export type OptTextKind = 'calendar' | 'bindGroup' | 'suggest' | 'topicList' | 'apply' | 'outpost' | 'assessment' | 'exportLedger' | 'pilot' | 'caseForm' | 'brief' | 'caseBook';

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
  { kind: 'help', shape: 'exact', words: ['帮助', 'help', '?', '菜单', '使用说明', '帮助一下', '怎么用'], label: '帮助', example: '帮助', caseInsensitive: true },
  { kind: 'myTasks', shape: 'exact', words: ['我的任务', '任务', '我的事项', '事项'], label: '我的任务', example: '我的任务' },
  { kind: 'ledger', shape: 'unit', words: ['台账'], label: '台账', example: '台账 石堡镇' },
  { kind: 'progress', shape: 'report', words: ['进展', '进度', '汇报', '报送', '进展情况', '推进情况', '工作进展', '进展汇报', '进度汇报'], label: '进展', example: '进展 LY-012 完成方案起草，下步征求意见 60%', textName: '进展内容', percent: true },
  { kind: 'problem', shape: 'report', words: ['问题', '困难', '问题反映', '反映问题'], label: '问题', example: '问题 LY-012 用地指标不足', textName: '问题描述' },
  { kind: 'complete', shape: 'report', words: ['完成', '办结', '已完成', '已办结', '完成情况'], label: '完成', example: '完成 LY-012 已印发实施方案', textName: '完成情况' },
  { kind: 'urge', shape: 'report', words: ['催办'], label: '催办', example: '催办 LY-012 请本周内报送', textName: '催办要求' },
  { kind: 'calendar', shape: 'optText', words: ['日历', '工作日历'], label: '日历', example: '日历 2027' },
  { kind: 'bindGroup', shape: 'optText', words: ['绑定', '绑定单位', '绑定本群'], label: '绑定', example: '绑定 石堡镇' },
  { kind: 'unbindGroup', shape: 'exact', words: ['解绑', '解除绑定', '取消绑定'], label: '解绑', example: '解绑' },
  { kind: 'groupList', shape: 'exact', words: ['群列表', '群组列表', '工作群列表'], label: '群列表', example: '群列表' },
  // The reform loop (改革闭环, issue 15): handlers in commands/loop/.
  { kind: 'suggestions', shape: 'exact', words: ['建议处理', '待处理建议', '建议列表'], label: '建议处理', example: '建议处理' },
  { kind: 'suggest', shape: 'optText', words: ['建议', '改革建议'], label: '建议', example: '建议 推行村级事务积分制管理，激发村民参与乡村治理', textName: '建议内容' },
  { kind: 'adopt', shape: 'code', words: ['采纳入库', '采纳'], label: '采纳入库', example: '采纳入库 JY-2026-001' },
  { kind: 'decline', shape: 'codeText', words: ['不予采纳'], label: '不予采纳', example: '不予采纳 JY-2026-001 与现行政策重复', textName: '理由' },
  { kind: 'study', shape: 'codeText', words: ['转单位研究', '转研究'], label: '转单位研究', example: '转单位研究 JY-2026-001 石堡镇 2026-12-15', textName: '研究单位和答复时限' },
  { kind: 'merge', shape: 'codeText', words: ['合并建议', '合并'], label: '合并', example: '合并 JY-2026-002 JY-2026-001', textName: '合并到的建议编号' },
  { kind: 'reserve', shape: 'exact', words: ['储备库', '议题储备库'], label: '储备库', example: '储备库' },
  { kind: 'topic', shape: 'codeText', words: ['深改委议题', '议题'], label: '深改委议题', example: '深改委议题 CB-2026-001 第十次会议', textName: '会议' },
  { kind: 'topicList', shape: 'optText', words: ['议题清单'], label: '议题清单', example: '议题清单 第十次会议' },
  { kind: 'risk', shape: 'code', words: ['风控审查', '风控'], label: '风控', example: '风控 CB-2026-001' },
  { kind: 'launch', shape: 'code', words: ['立项'], label: '立项', example: '立项 CB-2026-001' },
  { kind: 'publishCall', shape: 'exact', words: ['发榜', '发布榜单'], label: '发榜', example: '发榜' },
  { kind: 'calls', shape: 'exact', words: ['榜单', '揭榜挂帅'], label: '榜单', example: '榜单' },
  { kind: 'apply', shape: 'optText', words: ['揭榜'], label: '揭榜', example: '揭榜 JB-2026-01' },
  { kind: 'lookbacks', shape: 'exact', words: ['回头看'], label: '回头看', example: '回头看' },
  { kind: 'outpost', shape: 'optText', words: ['前哨站'], label: '前哨站', example: '前哨站 石堡镇' },
  { kind: 'assessment', shape: 'optText', words: ['年度考核', '考核'], label: '考核', example: '考核 2026' },
  { kind: 'exportLedger', shape: 'optText', words: ['导出台账', '导出'], label: '导出台账', example: '导出台账 石堡镇' },
  // The card actions as text (a JSON 2.0 card is clickable for 14 days only), and the office's work.
  { kind: 'sign', shape: 'code', words: ['签收', '已签收'], label: '签收', example: '签收 LY-012' },
  { kind: 'dispute', shape: 'codeText', words: ['异议', '提出异议'], label: '异议', example: '异议 LY-012 该事项应由县自然资源局牵头', textName: '异议理由' },
  { kind: 'resolveDispute', shape: 'codeText', words: ['异议处理', '处理异议'], label: '异议处理', example: '异议处理 LY-012 维持 请按原交办落实', textName: '处理方式（维持 / 推进 / 改由 单位）和答复' },
  { kind: 'close', shape: 'code', words: ['销号', '同意销号'], label: '销号', example: '销号 LY-012' },
  { kind: 'sendBack', shape: 'codeText', words: ['退回'], label: '退回', example: '退回 LY-012 缺少印发文件', textName: '退回理由' },
  { kind: 'redispatch', shape: 'code', words: ['交办单'], label: '交办单', example: '交办单 LY-012' },
  { kind: 'withdraw', shape: 'code', words: ['撤回'], label: '撤回', example: '撤回 LY-012' },
  { kind: 'extend', shape: 'codeText', words: ['延期', '申请延期'], label: '延期', example: '延期 LY-012 2027-03-31 用地报批未完成', textName: '新的完成时限和理由' },
  { kind: 'approveExtension', shape: 'code', words: ['同意延期'], label: '同意延期', example: '同意延期 LY-012' },
  { kind: 'rejectExtension', shape: 'codeText', words: ['驳回延期'], label: '驳回延期', example: '驳回延期 LY-012 请调整工作安排，按期完成', textName: '驳回理由' },
  { kind: 'problemReply', shape: 'codeText', words: ['答复', '回复'], label: '答复', example: '答复 LY-012 已请县自然资源局安排用地指标', textName: '答复内容' },
  { kind: 'problemDone', shape: 'codeText', words: ['已协调'], label: '已协调', example: '已协调 LY-012 县自然资源局已调剂用地指标', textName: '协调结果' },
  { kind: 'problemTransfer', shape: 'codeText', words: ['转办'], label: '转办', example: '转办 LY-012 县自然资源局 请一周内研究用地指标', textName: '承办单位和要求' },
  { kind: 'newTask', shape: 'exact', words: ['新增事项', '新增任务'], label: '新增事项', example: '新增事项' },
  { kind: 'adjust', shape: 'code', words: ['调整'], label: '调整', example: '调整 LY-012' },
  { kind: 'pause', shape: 'codeText', words: ['暂缓'], label: '暂缓', example: '暂缓 LY-012 上级政策调整', textName: '暂缓理由' },
  { kind: 'cancel', shape: 'codeText', words: ['撤销'], label: '撤销', example: '撤销 LY-012 县委深改委决定不再实施', textName: '撤销理由' },
  { kind: 'resume', shape: 'code', words: ['恢复'], label: '恢复', example: '恢复 LY-012' },
  { kind: 'instruct', shape: 'codeText', words: ['批示'], label: '批示', example: '批示 LY-012 请加快进度，月底前形成初稿', textName: '批示内容' },
  { kind: 'view', shape: 'code', words: ['查看', '详情'], label: '查看', example: '查看 LY-012' },
  { kind: 'todo', shape: 'exact', words: ['待办', '待办事项', '我的待办'], label: '待办', example: '待办' },
  { kind: 'unreported', shape: 'exact', words: ['未报送', '未报送单位'], label: '未报送', example: '未报送' },
  // Issue 16 (src/chat/commands/pilot/*).
  { kind: 'achievement', shape: 'report', words: ['成果', '报成果'], label: '成果', example: '成果 LY-012 批示 经验做法获市委主要领导批示肯定', textName: '成果类别和说明' },
  { kind: 'pilot', shape: 'optText', words: ['试点', '试点台账'], label: '试点', example: '试点 LY-012 已获批' },
  { kind: 'caseTheme', shape: 'text', words: ['案例主题', '案例征集主题'], label: '案例主题', example: '案例主题 基层治理与便民服务创新', textName: '主题' },
  { kind: 'caseForm', shape: 'optText', words: ['案例', '报送案例', '典型案例'], label: '案例', example: '案例 LY-012' },
  { kind: 'caseBook', shape: 'optText', words: ['案例汇编', '典型案例汇编'], label: '案例汇编', example: '案例汇编 2026Q3' },
  { kind: 'promotion', shape: 'exact', words: ['推广', '复制推广', '推广进展'], label: '推广', example: '推广' },
  { kind: 'brief', shape: 'optText', words: ['简报', '推广简报', '推广动态简报'], label: '简报', example: '简报 2026-10' },
  { kind: 'promotionPlan', shape: 'codeOptText', words: ['推广方案', '制定推广方案'], label: '推广方案', example: '推广方案 LY-012 三位一体培育机制 底线要求：不改变土地用途 首批推广单位：石堡镇、城关镇 2026-12-01 重点推广单位：县农业农村局 2027-01-04', textName: '核心机制' },
] as const satisfies readonly CommandSpec[];

/** The spec of a command kind. */
export function commandSpec(kind: string): CommandSpec | undefined {
  return (COMMANDS as readonly CommandSpec[]).find((c) => c.kind === kind);
}
