// The ledger's vocabulary (DESIGN §2). Pure data, no I/O. Values are the Chinese words the office
// uses, because they are what is stored, imported, exported and shown.

export const TASK_STATUSES = ['待签收', '推进中', '待销号', '已销号', '有异议', '已调整', '暂缓', '已撤销'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
/** Statuses in which the task is still being worked on (counts for reminders and colours). */
export const OPEN_STATUSES: readonly TaskStatus[] = ['待签收', '推进中', '有异议', '已调整'];

export const TASK_CATEGORIES = ['重点改革任务', '改革试点', '小切口改革', '出圈事项', '年度改革要点', '复制推广', '其他'] as const;
export type TaskCategory = (typeof TASK_CATEGORIES)[number];

export const UNIT_KINDS = ['乡镇', '街道', '部门', '其他'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const ROLES = ['ADMIN', 'LEADER', 'UNIT_HEAD', 'COMMISSIONER', 'LIAISON'] as const;
export type Role = (typeof ROLES)[number];
/** How roles are written in the office's workbooks. */
export const ROLE_LABELS: Record<Role, string> = {
  ADMIN: '改革办',
  LEADER: '县级领导',
  UNIT_HEAD: '一把手',
  COMMISSIONER: '改革专员',
  LIAISON: '改革联络员',
};
export const ROLE_BY_LABEL: Record<string, Role> = Object.fromEntries(
  Object.entries(ROLE_LABELS).map(([role, label]) => [label, role as Role]),
);

/** 三色督办 plus "no flag". */
export const LEVELS = ['none', 'blue', 'yellow', 'red'] as const;
export type SupervisionLevel = (typeof LEVELS)[number];
export const LEVEL_LABELS: Record<SupervisionLevel, string> = { none: '正常', blue: '蓝色', yellow: '黄色', red: '红色' };

/** A calendar date in Asia/Shanghai, 'YYYY-MM-DD'. */
export type IsoDate = string;

export const REPORT_KINDS = ['进展', '问题', '完成'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
