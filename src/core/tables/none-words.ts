// What officials write in a cell that has nothing to say. Published ledgers fill an empty 配合单位 or
// 领衔领导 cell with 「无」「/」「—」 far more often than they leave it blank (the Linyi and Qinghe
// ledgers in ../shared/seeds/ do both); such a cell names no unit and no leader.
// Data: compared with the cell item after NFKC and with whitespace removed.

export const NONE_WORDS: readonly string[] = [
  '无', '暂无', '没有', '空', '略', '不涉及', '不适用', '无需', '不需要', '无配合单位', '无牵头单位', '无领衔领导', '待定', '待明确',
  'N/A', 'NA', 'n/a', 'na', 'none', 'null', '-',
];

/** Only dashes, slashes, dots, crosses or ellipses: 「—」「——」「/」「／」「-」「…」「×」「〇」. */
const PLACEHOLDER_MARKS = /^[\-‐‑‒–—―─－/／\\＼.。…·•×✕〇○]+$/u;

/** Whether one item of a cell (a unit or leader as split from the cell) says "none". */
export function saysNone(item: string): boolean {
  const s = item.normalize('NFKC').replace(/\s+/g, '');
  return s !== '' && (NONE_WORDS.includes(s) || NONE_WORDS.includes(s.toLowerCase()) || PLACEHOLDER_MARKS.test(s));
}
