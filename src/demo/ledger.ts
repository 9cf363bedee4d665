// The demo ledger: a fictional county (清源县) run the way the source documents describe —
// 小切口 reforms (农业社会化托管、站所合一、教育一体化、行走的医院), pilots, 出圈 items led by
// county leaders, and units with their 一把手/改革专员/改革联络员. Written to demo/示范台账.xlsx by
// scripts/make-demo-workbook.ts; used by `npm start` (empty database) and by the tests.
// Dates are set around the project's reference day, 2026-11-21, so every colour shows up.

export const DEMO_TENANT_KEY = 'demo_tenant';
export const DEMO_PREFIX = 'QY-2026-';

export interface DemoUnit { name: string; kind: string; parent?: string; chatId?: string }
export interface DemoPerson { name: string; unit?: string; roles: string; mobile?: string; openId: string }
export interface DemoTask {
  code: string; title: string; category: string; batch: string; leaders?: string; leadUnit: string; coUnits?: string;
  owner?: string; deliverable?: string; path?: string; start: string; deadline: string; status: string; completedOn?: string; closedOn?: string;
}
export interface DemoMilestone { code: string; title: string; due: string; done?: string }

export const demoUnits: DemoUnit[] = [
  { name: '县委改革办', kind: '部门', chatId: 'oc_demo_office' },
  { name: '县农业农村局', kind: '部门', chatId: 'oc_demo_nongye' },
  { name: '县公安局', kind: '部门', chatId: 'oc_demo_gongan' },
  { name: '县司法局', kind: '部门' },
  { name: '县教育局', kind: '部门', chatId: 'oc_demo_jiaoyu' },
  { name: '县卫生健康局', kind: '部门', chatId: 'oc_demo_weijian' },
  { name: '县自然资源局', kind: '部门' },
  { name: '县行政审批服务局', kind: '部门' },
  { name: '城关街道', kind: '街道', chatId: 'oc_demo_chengguan' },
  { name: '石堡镇', kind: '乡镇', chatId: 'oc_demo_shibao' },
  { name: '白马滩镇', kind: '乡镇' },
  { name: '三岔乡', kind: '乡镇' },
];

export const ALL_HANDS_CHAT_ID = 'oc_demo_allhands';

const unitStaff = (unit: string, head: string, commissioner: string, liaison: string, tag: string): DemoPerson[] => [
  { name: head, unit, roles: '一把手', openId: `ou_demo_${tag}_head` },
  { name: commissioner, unit, roles: '改革专员', openId: `ou_demo_${tag}_comm` },
  { name: liaison, unit, roles: '改革联络员', openId: `ou_demo_${tag}_liaison` },
];

export const demoPeople: DemoPerson[] = [
  { name: '王建国', roles: '县级领导', openId: 'ou_demo_leader_wang' },
  { name: '李红梅', roles: '县级领导', openId: 'ou_demo_leader_li' },
  { name: '赵志强', roles: '县级领导', openId: 'ou_demo_leader_zhao' },
  { name: '周敏', unit: '县委改革办', roles: '改革办、一把手', openId: 'ou_demo_office_zhou' },
  { name: '孙浩', unit: '县委改革办', roles: '改革办、改革联络员', openId: 'ou_demo_office_sun' },
  ...unitStaff('县农业农村局', '刘振华', '陈立新', '张晓燕', 'nongye'),
  ...unitStaff('县公安局', '马国栋', '何建军', '郭磊', 'gongan'),
  ...unitStaff('县司法局', '高文', '罗斌', '谢婷', 'sifa'),
  ...unitStaff('县教育局', '吴海涛', '郑丽', '冯雪', 'jiaoyu'),
  ...unitStaff('县卫生健康局', '蒋卫东', '韩梅', '唐静', 'weijian'),
  ...unitStaff('县自然资源局', '曹宇', '许亮', '邓佳', 'ziran'),
  ...unitStaff('县行政审批服务局', '彭博', '曾凡', '萧雨', 'shenpi'),
  ...unitStaff('城关街道', '田野', '董明', '袁媛', 'chengguan'),
  ...unitStaff('石堡镇', '潘强', '杜鹃', '程功', 'shibao'),
  ...unitStaff('白马滩镇', '任重', '姜涛', '范蕾', 'baima'),
  ...unitStaff('三岔乡', '魏东', '苏青', '吕洋', 'sancha'),
];

const c = (n: number) => `${DEMO_PREFIX}${String(n).padStart(3, '0')}`;

export const demoTasks: DemoTask[] = [
  { code: c(1), title: '农业社会化托管服务改革（“1+1+N”托管模式）', category: '小切口改革', batch: '第一批', leaders: '李红梅', leadUnit: '县农业农村局', coUnits: '石堡镇、白马滩镇', owner: '陈立新', deliverable: '托管服务实施方案、亩均节支增收测算报告', path: '政府引导、村集体主导、多方主体参与，先在2个镇试点再全县推开', start: '2026-03-01', deadline: '2026-12-15', status: '推进中' },
  { code: c(2), title: '“站所合一”改革：派出所、司法所、交警中队合署办公', category: '小切口改革', batch: '第一批', leaders: '赵志强', leadUnit: '县公安局', coUnits: '县司法局、三岔乡', owner: '何建军', deliverable: '合署办公运行机制文件', path: '合场所、合支部、合警力、合工作、合管理、合保障', start: '2026-02-15', deadline: '2026-10-30', status: '推进中' },
  { code: c(3), title: '“教育一体化”改革：初高中一体化管理', category: '小切口改革', batch: '第一批', leaders: '李红梅', leadUnit: '县教育局', owner: '郑丽', deliverable: '一体化管理办法', path: '统一师资调配与考核激励', start: '2026-01-10', deadline: '2026-08-31', status: '已销号', completedOn: '2026-08-20', closedOn: '2026-08-28' },
  { code: c(4), title: '“行走的医院”：互联网+医疗健康远程会诊', category: '小切口改革', batch: '第一批', leaders: '王建国', leadUnit: '县卫生健康局', coUnits: '三岔乡、白马滩镇', owner: '韩梅', deliverable: '远程会诊平台上线、村卫生室接入清单', path: '向上对接三甲医院专家团队，向下联结村级卫生室', start: '2026-03-15', deadline: '2026-11-27', status: '推进中' },
  { code: c(5), title: '家庭农场培育提升（农创客、农创园、庭院经济）', category: '改革试点', batch: '第一批', leadUnit: '县农业农村局', coUnits: '石堡镇', owner: '陈立新', deliverable: '家庭农场名录和扶持政策', start: '2026-04-01', deadline: '2026-09-30', status: '待销号', completedOn: '2026-11-18' },
  { code: c(6), title: '“五分钟休闲运动圈”口袋公园建设', category: '小切口改革', batch: '第二批', leadUnit: '城关街道', coUnits: '县自然资源局', owner: '董明', deliverable: '口袋公园建设清单', start: '2026-05-01', deadline: '2026-12-31', status: '推进中' },
  { code: c(7), title: '“五级联动”基层治理工作机制', category: '重点改革任务', batch: '第一批', leaders: '王建国', leadUnit: '三岔乡', owner: '苏青', deliverable: '五级联动工作规程', start: '2026-02-01', deadline: '2026-06-30', status: '已销号', completedOn: '2026-06-12', closedOn: '2026-06-19' },
  { code: c(8), title: '“亩均论英雄”资源要素差别化配置改革', category: '复制推广', batch: '第二批', leaders: '赵志强', leadUnit: '县行政审批服务局', coUnits: '县自然资源局', owner: '曾凡', deliverable: '企业亩均效益评价办法', start: '2026-06-01', deadline: '2026-11-30', status: '推进中' },
  { code: c(9), title: '社区治理共同体建设试点', category: '改革试点', batch: '第二批', leadUnit: '城关街道', owner: '董明', deliverable: '社区协商议事规则', start: '2026-06-15', deadline: '2027-03-31', status: '待签收' },
  { code: c(10), title: '“清源好办”政务服务集成改革（出圈事项）', category: '出圈事项', batch: '第一批', leaders: '王建国、赵志强', leadUnit: '县行政审批服务局', coUnits: '城关街道', owner: '曾凡', deliverable: '“一件事一次办”事项清单', path: '3减2链1站式集成办', start: '2026-03-01', deadline: '2026-12-20', status: '推进中' },
  { code: c(11), title: '“一块田”模式全链条节粮减损（出圈事项）', category: '出圈事项', batch: '第一批', leaders: '李红梅', leadUnit: '石堡镇', coUnits: '县农业农村局', owner: '杜鹃', deliverable: '“田管家”服务标准', start: '2026-03-01', deadline: '2026-10-15', status: '推进中' },
  { code: c(12), title: '县镇同权：审批监管信息互联互通', category: '年度改革要点', batch: '第一批', leadUnit: '县行政审批服务局', coUnits: '白马滩镇', owner: '萧雨', deliverable: '同权事项清单', start: '2026-02-01', deadline: '2026-07-31', status: '已销号', completedOn: '2026-08-06', closedOn: '2026-08-10' },
  { code: c(13), title: '农村产权流转交易“三票制”探索', category: '重点改革任务', batch: '第二批', leaders: '李红梅', leadUnit: '白马滩镇', coUnits: '县自然资源局、县农业农村局', owner: '姜涛', deliverable: '交易规则和首批交易案例', start: '2026-07-01', deadline: '2026-12-10', status: '推进中' },
  { code: c(14), title: '中药材保护改革事项合法性审查与风险评估', category: '重点改革任务', batch: '第二批', leadUnit: '县司法局', coUnits: '县农业农村局', owner: '罗斌', deliverable: '合法性审查意见书', start: '2026-05-01', deadline: '2026-09-15', status: '推进中' },
  { code: c(15), title: '“智慧执法”平台：网格呼叫、中心派单、执法认领', category: '年度改革要点', batch: '第二批', leadUnit: '县司法局', coUnits: '城关街道', owner: '罗斌', deliverable: '平台运行报告', start: '2026-08-01', deadline: '2027-01-31', status: '推进中' },
  { code: c(16), title: '公共数据授权运营试点', category: '改革试点', batch: '第二批', leaders: '赵志强', leadUnit: '县行政审批服务局', owner: '彭博', deliverable: '授权运营管理办法', start: '2026-09-01', deadline: '2027-06-30', status: '待签收' },
  { code: c(17), title: '义务教育优质均衡发展：教师“县管校聘”', category: '改革试点', batch: '第二批', leadUnit: '县教育局', owner: '冯雪', deliverable: '县管校聘实施细则', start: '2026-04-01', deadline: '2026-11-13', status: '推进中' },
  { code: c(18), title: '乡镇“一支队伍管执法”综合改革', category: '重点改革任务', batch: '第二批', leadUnit: '石堡镇', coUnits: '县司法局', owner: '杜鹃', deliverable: '综合执法事项目录', start: '2026-06-01', deadline: '2026-11-25', status: '推进中' },
];

export const demoMilestones: DemoMilestone[] = [
  { code: c(1), title: '完成试点镇托管服务方案起草', due: '2026-05-31', done: '2026-05-28' },
  { code: c(1), title: '两镇试点运行评估', due: '2026-11-27' },
  { code: c(2), title: '完成三个所队合署场所改造', due: '2026-07-31', done: '2026-08-05' },
  { code: c(2), title: '出台合署办公运行机制', due: '2026-10-30' },
  { code: c(4), title: '远程会诊平台上线', due: '2026-09-30', done: '2026-09-29' },
  { code: c(4), title: '47个村卫生室全部接入', due: '2026-11-27' },
  { code: c(10), title: '“一件事一次办”清单发布', due: '2026-08-31', done: '2026-08-30' },
  { code: c(10), title: '集成办专区运行满三个月评估', due: '2026-12-01' },
  { code: c(13), title: '首批交易规则印发', due: '2026-11-24' },
];
