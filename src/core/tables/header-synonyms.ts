// Which column headers mean which ledger field — data, easy to extend. Fields are the headers of
// the project's own template (src/ledger/import/validate.ts, sheet 台账) plus 序号 and 备注.
// Header names are compared after normaliseHeader (src/core/header-synonyms.ts), so write them
// plainly: no spaces, no brackets, half-width. Sources: the template; headers seen in published
// 台账 (改革任务分工方案, 深改委工作要点, 政府工作报告任务分解, 放管服改革工作要点) as listed in issue 12.

export const LEDGER_FIELDS = [
  '编号', '序号', '改革事项', '类别', '批次', '领衔领导', '牵头单位', '配合单位', '责任人',
  '成果形式', '实施路径', '开始时间', '完成时限', '状态', '完成日期', '销号日期', '备注',
] as const;
export type LedgerField = (typeof LEDGER_FIELDS)[number];

/** The field(s) that name the task itself; a header row must map one of them. */
export const TITLE_FIELDS: readonly LedgerField[] = ['改革事项'];

/**
 * A header that means the lead unit when the sheet has no 牵头 column, and the co-units when it
 * does (issue 12: 「责任单位 (the co-units when a 牵头 column exists, the lead when it doesn't)」).
 */
export const RESPONSIBLE_UNIT_HEADERS: readonly string[] = ['责任单位', '责任部门', '承办单位', '责任主体', '实施单位'];

export const HEADER_SYNONYMS: Record<LedgerField, readonly string[]> = {
  // template (project's own code, e.g. QY-2026-001)
  编号: ['编号', '任务编号', '事项编号'],
  // published ledgers: the number as printed (1, 2, 1.1, （一）); kept as 序号
  序号: ['序号', '序', 'No.', 'NO', '序列号'],
  // template 改革事项; issue 12: 改革任务/目标任务/目标与任务/重点任务/工作任务/任务内容/具体举措
  改革事项: [
    '改革事项', '改革任务', '目标任务', '目标与任务', '重点任务', '工作任务', '任务内容', '具体举措',
    '任务名称', '事项名称', '主要任务', '改革举措', '工作事项', '工作内容', '重点工作', '改革内容', '任务',
  ],
  // template 类别; a merged category column spanning rows
  类别: ['类别', '分类', '任务类别', '改革类别', '改革领域', '领域', '板块'],
  批次: ['批次'],
  // template 领衔领导; issue 12: 责任领导/牵头领导/牵头负责领导/分管县领导/分管领导/牵头区领导/县级领导
  领衔领导: [
    '领衔领导', '责任领导', '牵头领导', '牵头负责领导', '分管县领导', '分管领导', '牵头区领导', '县级领导',
    '牵头县领导', '牵头市领导', '分管市领导', '分管区领导', '责任县领导', '责任区领导', '责任市领导', '区级领导', '市级领导', '联系领导',
  ],
  // template 牵头单位; issue 12: 牵头部门/牵头责任单位/主责单位
  牵头单位: ['牵头单位', '牵头部门', '牵头责任单位', '主责单位', '牵头责任部门', '主责部门', '主办单位', '牵头单位部门'],
  // template 配合单位; issue 12: 协同责任单位/配合单位/参与单位 (责任单位: see RESPONSIBLE_UNIT_HEADERS)
  配合单位: ['配合单位', '协同责任单位', '参与单位', '配合部门', '协同单位', '协办单位', '配合责任单位', '参与部门', '协同部门'],
  责任人: ['责任人', '具体责任人', '责任人员', '经办人'],
  // template 成果形式; issue 12: 预期成果
  成果形式: ['成果形式', '预期成果', '成果', '改革成果', '成果体现', '成果体现形式', '预期成效'],
  实施路径: ['实施路径', '推进路径', '实施步骤', '推进措施', '工作措施'],
  开始时间: ['开始时间', '开始日期', '启动时间'],
  // template 完成时限; issue 12: 完成时间/时间节点/时限要求
  完成时限: ['完成时限', '完成时间', '时间节点', '时限要求', '完成期限', '时间安排', '办结时限', '时限', '截止时间', '完成节点', '完成时限要求', '完成时限及要求'],
  // Not 进展状态: ledgers fill it with assessments (序时推进、滞后、未启动), not a task's status.
  状态: ['状态', '当前状态', '任务状态'],
  完成日期: ['完成日期', '实际完成日期', '实际完成时间'],
  销号日期: ['销号日期', '销号时间'],
  备注: ['备注', '说明', '备注说明'],
};
