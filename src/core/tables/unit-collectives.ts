// Collectives written where a unit belongs (issue 12: over half the rows of published ledgers):
// `各镇人民政府`, `各乡镇（街道）`, `区政府有关部门`, `县直各有关单位`, `各县市区政府`, `相关单位`…
// Data: each pattern is matched against the normalised name (normaliseUnitName: no whitespace,
// full-width brackets （）, half-width letters and digits); the first match wins. `unitKind` says
// which units it stands for, so the importer can expand it when unit kinds are known
// (COLLECTIVE_UNIT_KINDS maps it to src/core/types.ts UNIT_KINDS); none means "cannot tell".

export type CollectiveKind = '乡镇' | '街道' | '乡镇街道' | '部门' | '县市区' | '园区';

export interface CollectivePattern {
  pattern: RegExp;
  unitKind?: CollectiveKind;
  /** Names as written in ledgers that this pattern is for (each is tested). */
  examples: readonly string[];
}

const PLACE = '(?:市|县|区|省|州|旗)';

export const COLLECTIVE_PATTERNS: readonly CollectivePattern[] = [
  {
    pattern: /^各(?:乡镇|镇乡|镇)(?:人民政府|政府)?(?:（(?:街道|街道办事处|街)）|、?(?:街道|街道办事处|街))(?:办事处|人民政府|政府|人民政府（办事处）|政府（办事处）)?$/,
    unitKind: '乡镇街道',
    examples: ['各乡镇（街道）', '各镇（街道）', '各镇街', '各乡镇街道', '各乡镇人民政府（街道办事处）', '各镇、街道', '各镇街道', '各镇（街道）人民政府', '各乡镇（街道）政府'],
  },
  {
    pattern: /^各(?:乡镇|镇乡|镇|乡)(?:人民政府|政府|党委政府|党委、政府|党委和政府)?$/,
    unitKind: '乡镇',
    examples: ['各镇人民政府', '各乡镇', '各镇', '各乡镇政府', '各镇党委政府'],
  },
  { pattern: /^各街道(?:办事处|党工委|党工委、办事处)?$/, unitKind: '街道', examples: ['各街道', '各街道办事处'] },
  {
    pattern: /^各(?:县市区|县（市、区）|县（市）区|县（市）、区|区县|区（县）|县区|县（区）|市县|县（市）|区|县|市|区县市)(?:人民政府|政府|党委政府|党委和政府)?$/,
    unitKind: '县市区',
    examples: ['各县市区政府', '各县（市、区）人民政府', '各区县', '各县（市）区政府', '各区政府'],
  },
  { pattern: /^各(?:开发区|园区|功能区|产业园区|开发园区)(?:管委会)?$/, unitKind: '园区', examples: ['各开发区', '各园区管委会'] },
  {
    pattern: new RegExp(`^(?:${PLACE}(?:政府|委|直|级|属|直属)?)?(?:各)?(?:有关|相关|其他)?(?:职能)?部门$`),
    unitKind: '部门',
    examples: ['区政府有关部门', '市级各有关部门', '各有关部门', '有关部门', '相关部门', '县直各部门', '区直有关部门', '各部门', '县政府各部门'],
  },
  {
    pattern: new RegExp(`^${PLACE}(?:政府|委|直|级|属|直属)(?:各)?(?:有关|相关|其他)?(?:职能)?单位$`),
    unitKind: '部门',
    examples: ['县直各有关单位', '县直有关单位', '市级有关单位', '区直各单位'],
  },
  { pattern: /^(?:各)?(?:有关|相关|其他)?(?:责任)?单位$/, examples: ['相关单位', '各有关单位', '有关单位', '各相关单位', '各单位', '各责任单位'] },
  { pattern: /成员单位$/, examples: ['各成员单位', '领导小组成员单位', '联席会议成员单位'] },
  // Anything else that says "each …" or "the relevant …" of a kind of body.
  { pattern: /^各.*(?:部门|单位|机构|企业|学校|医院)$/, examples: ['各级各部门', '各国有企业'] },
  { pattern: /(?:有关|相关).{0,6}(?:部门|单位|机构|企业)$/, examples: ['省级有关部门', '市直相关职能单位', '其他有关企业'] },
];

/** The unit kinds (src/core/types.ts UNIT_KINDS) a collective expands to. */
export const COLLECTIVE_UNIT_KINDS: Record<CollectiveKind, readonly string[]> = {
  乡镇: ['乡镇'],
  街道: ['街道'],
  乡镇街道: ['乡镇', '街道'],
  部门: ['部门'],
  县市区: [],
  园区: [],
};
