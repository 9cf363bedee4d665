// Property tests for the published-ledger rules: whatever spacing, separators and annotations a
// ledger uses, headers map to the same field, unit and leader lists come back in order, and no
// rule throws on any text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldOfHeader, HEADER_SYNONYMS, LEDGER_FIELDS, mapHeaders } from '../../src/core/header-synonyms.js';
import { parseUnitCell } from '../../src/core/unit-cell.js';
import { parseLeaderCell } from '../../src/core/leader-cell.js';
import { classifyRow, cleanTitle } from '../../src/core/section-heading.js';
import { findHeaderRow } from '../../src/core/header-row.js';
import { cellText } from '../../src/core/cell-value.js';

const synonym = fc.constantFrom(...LEDGER_FIELDS.flatMap((f) => HEADER_SYNONYMS[f].map((h) => [f, h] as const)));
const blank = fc.constantFrom(' ', '  ', '\u00A0', '\u3000', '\n', '\r\n', '\t', '\u200B', '\u200C', '\u200D', '\uFEFF');

describe('headers written any way map to the same field', () => {
  it('whitespace of every kind between letters, an annotation and a trailing colon', () => {
    fc.assert(fc.property(synonym, fc.array(blank, { maxLength: 12 }), fc.constantFrom('', '（年月日）', '(必填)', '【单位】'), fc.constantFrom('', '：', ':'), fc.boolean(), (pair, blanks, note, colon, fullWidth) => {
      const [field, header] = pair;
      const chars = Array.from(fullWidth ? header.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)) : header);
      const spaced = chars.map((c, i) => c + (blanks[i] ?? '')).join('');
      expect(fieldOfHeader(`${blanks[0] ?? ''}${spaced}${note}${colon}`)).toBe(field);
    }));
  });
});

const unitName = fc.tuple(fc.constantFrom('区', '县', '市'), fc.constantFrom('财政', '税务', '发改', '住建', '民政', '教育', '卫健', '审计', '政务服务', '农业农村'), fc.constantFrom('局', '委', '中心')).map((p) => p.join(''));
const sep = fc.constantFrom('、', '，', ',', '；', ';', '\n', '\r\n', '、\n', ' ，');

describe('units cells', () => {
  it('a list with mixed separators comes back in order, without repeats', () => {
    fc.assert(fc.property(fc.uniqueArray(unitName, { minLength: 1, maxLength: 8 }), fc.array(sep, { minLength: 8, maxLength: 8 }), (names, seps) => {
      const cell = names.map((n, i) => n + (i < names.length - 1 ? seps[i] : '')).join('');
      const r = parseUnitCell(cell, 'co');
      expect(r.cos.map((u) => u.name)).toEqual(names);
      expect(r.leads).toEqual([]);
    }));
  });

  it('X、Y牵头，Z…配合 splits whatever the separators', () => {
    fc.assert(fc.property(fc.uniqueArray(unitName, { minLength: 2, maxLength: 6 }), fc.integer({ min: 1, max: 3 }), sep, sep, (names, nLeads, s1, s2) => {
      const k = Math.min(nLeads, names.length - 1);
      const cell = `${names.slice(0, k).join(s1)}牵头${s2}${names.slice(k).join('、')}配合`;
      const r = parseUnitCell(cell);
      expect(r.leads.map((u) => u.name)).toEqual(names.slice(0, k));
      expect(r.cos.map((u) => u.name)).toEqual(names.slice(k));
    }));
  });

  it('a line break inside brackets does not leave a separator in a name (counterexample 「区区（⏎区,）」)', () => {
    for (const u of [...parseUnitCell('区区（\n区,）').leads, ...parseUnitCell('区区（\n区,）').cos]) expect(u.name.replace(/（[^（）]*）/g, '')).not.toMatch(/[、，,；;]/);
  });

  // Brackets removed innermost first, so nested ones count too (written here, not taken from the parser).
  const outside = (name: string) => { let s = name; for (let prev = ''; prev !== s;) { prev = s; s = s.replace(/（[^（）]*）/g, ''); } return s; };

  it('a name made only of brackets and separators is no unit, nested or not (CI seed 756583547: 「((），)」)', () => {
    for (const cell of ['((），)', '（（）,）', '（）', '（、）', '(（;）)牵头']) {
      const r = parseUnitCell(cell);
      expect([...r.leads, ...r.cos, ...r.collectives]).toEqual([]);
    }
    expect(parseUnitCell('各县（市（区）、镇）政府、县财政局').leads.map((u) => u.name)).toEqual(['各县（市（区）、镇）政府', '县财政局']);
  });

  it('never throws; names carry no whitespace, nor separators outside brackets (各县（市、区）政府)', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'区县财政局各镇有关部门牵头配合、，,；;（）() \n等等x') }), (cell) => {
      const r = parseUnitCell(cell);
      for (const u of [...r.leads, ...r.cos, ...r.collectives]) {
        expect(u.name).not.toMatch(/\s/);
        expect(outside(u.name)).not.toMatch(/^$|[、，,；;]/);
        expect(outside(u.name)).toMatch(/[\p{L}\p{N}]/u);
      }
    }));
  });
});

describe('leader cells', () => {
  const fullName = fc.tuple(fc.constantFrom('陆', '俞', '王', '欧阳', '张'), fc.constantFrom('明', '悦', '小红', '建国')).map((p) => p.join(''));
  it('names typeset with letter-spacing and separated any way come back in order', () => {
    fc.assert(fc.property(fc.uniqueArray(fullName, { minLength: 1, maxLength: 4 }), fc.array(fc.constantFrom('、', '\n', '，', '；'), { minLength: 4, maxLength: 4 }), fc.boolean(), (names, seps, spaced) => {
      const typeset = names.map((n) => (spaced && Array.from(n).length === 2 ? Array.from(n).join(' ') : n));
      const cell = typeset.map((n, i) => n + (i < typeset.length - 1 ? seps[i] : '')).join('');
      expect(parseLeaderCell(cell)).toEqual(names);
    }));
  });
});

describe('no rule throws on any cell', () => {
  const anyCell = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.date(), fc.constant(null), fc.constant({ formula: 'A1' }), fc.record({ richText: fc.array(fc.record({ text: fc.string() })) }), fc.constant({ error: '#N/A' }));
  it('cellText, mapHeaders, findHeaderRow, classifyRow, cleanTitle, parseLeaderCell', () => {
    fc.assert(fc.property(fc.array(fc.array(anyCell, { maxLength: 8 }), { maxLength: 8 }), (rows) => {
      for (const row of rows) {
        for (const c of row) expect(String(cellText(c).text)).not.toContain('[object');
        mapHeaders(row);
        const k = classifyRow(row, { titleColumn: 1, numberColumn: 0, leaderColumn: 3 });
        expect(['blank', 'footnote', 'heading', 'task']).toContain(k.kind);
        for (const c of row) if (typeof c === 'string') { cleanTitle(c); parseLeaderCell(c); }
      }
      findHeaderRow(rows);
    }), { numRuns: 300 });
  });
});
