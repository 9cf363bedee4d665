// One line of `taizhang doctor`: ✓ or ✗, what was found, and for ✗ how to fix it.
export interface Check {
  ok: boolean;
  /** Passes, but needs attention soon (shown ⚠ with how to fix; does not fail the run). */
  warn?: boolean;
  label: string;
  fix?: string;
  /** Further lines (names of people, units). */
  details?: string[];
}

export function checkLines(section: string, checks: Check[]): string[] {
  const lines = [`【${section}】`];
  for (const c of checks) {
    lines.push(`${!c.ok ? '✗' : c.warn ? '⚠' : '✓'} ${c.label}`);
    for (const d of c.details ?? []) lines.push(`    ${d}`);
    if ((!c.ok || c.warn) && c.fix) lines.push(`    怎么办：${c.fix}`);
  }
  return lines;
}
