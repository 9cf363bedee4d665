// Finding the header row of a published ledger: below a 「附件1」 line and a merged title row,
// within the first rows. The score lets the caller pick the ledger sheet among several.
import { cellText } from './cell-value.js';
import { fieldOfHeader, mapHeaders, TITLE_FIELDS, type HeaderMap } from './header-synonyms.js';

/** A header row must map at least this many distinct fields, one of them a title field. */
export const MIN_HEADER_FIELDS = 2;

export interface HeaderRowMatch {
  /** 0-based index (into the rows given) of the header row. */
  index: number;
  /** 2 when the next row refines merged parent headers (责任单位 over 牵头单位 | 配合单位). */
  headerRows: 1 | 2;
  /** 0-based index of the first row below the header. */
  dataStart: number;
  /** Distinct fields recognised; higher is a better ledger sheet. */
  score: number;
  /** The header text per column (combined over both rows when headerRows is 2). */
  headers: string[];
  map: HeaderMap;
  /** The text of non-blank rows above the header (附件1, the title), for titleYearOf and the report. */
  titleLines: string[];
}

const texts = (row: readonly unknown[] | undefined) => (row ?? []).map((c) => cellText(c).text ?? '');

function score(map: HeaderMap): number {
  const fields = new Set(map.mapping.map((m) => m.field));
  if (fields.size < MIN_HEADER_FIELDS || !TITLE_FIELDS.some((f) => fields.has(f))) return 0;
  return fields.size;
}

/**
 * The header row among the first `maxScan` rows (cells as exceljs values or strings): the row whose
 * cells map the most fields (≥ MIN_HEADER_FIELDS, including 改革事项), earliest on a tie. Rows with
 * fewer than two distinct texts (附件1, a merged title) are never a header. When the row below
 * holds only header names (a two-row header under merged 责任单位), the two are combined.
 * Null when no row qualifies.
 */
export function findHeaderRow(rows: readonly (readonly unknown[])[], maxScan = 15): HeaderRowMatch | null {
  let best: { index: number; score: number } | null = null;
  const limit = Math.min(rows.length, maxScan);
  for (let i = 0; i < limit; i++) {
    const cells = texts(rows[i]);
    if (new Set(cells.filter((t) => t.trim())).size < 2) continue;
    const s = score(mapHeaders(cells));
    if (s > 0 && (!best || s > best.score)) best = { index: i, score: s };
  }
  if (!best) return null;
  const top = texts(rows[best.index]);
  let headers = top;
  let headerRows: 1 | 2 = 1;
  const below = texts(rows[best.index + 1]);
  const belowFilled = below.map((t, c) => ({ t: t.trim(), c })).filter((x) => x.t);
  // The row below is the header's second row when it names fields (two or more, at least half its
  // cells): 「牵头单位|配合单位|开始时间|完成时限|姓名|电话」 under 「责任单位|时间安排|联系人」 — an unknown
  // name among them (姓名) no longer makes the whole second row a data row.
  const known = belowFilled.filter((x) => fieldOfHeader(x.t) !== null).length;
  if (belowFilled.length > 0 && (known === belowFilled.length || (known >= 2 && known * 2 >= belowFilled.length))) {
    const width = Math.max(top.length, below.length);
    const combined = Array.from({ length: width }, (_, c) => (below[c]?.trim() ? below[c]! : (top[c] ?? '')));
    const combinedMap = mapHeaders(combined);
    if (score(combinedMap) >= best.score) {
      headers = combined;
      headerRows = 2;
    }
  }
  const map = mapHeaders(headers);
  const titleLines = rows
    .slice(0, best.index)
    .map((r) => [...new Set(texts(r).map((t) => t.trim()).filter(Boolean))].join(' '))
    .filter(Boolean);
  return { index: best.index, headerRows, dataStart: best.index + headerRows, score: score(map), headers, map, titleLines };
}
