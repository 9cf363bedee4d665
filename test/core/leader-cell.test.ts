import { describe, expect, it } from 'vitest';
import { normaliseLeaderName, parseLeaderCell } from '../../src/core/leader-cell.js';

describe('parseLeaderCell', () => {
  it.each([
    ['俞 悦', ['俞悦']],
    ['俞  悦', ['俞悦']],
    ['俞\u3000悦', ['俞悦']],
    ['俞\u00A0悦', ['俞悦']],
    ['王 小 明', ['王小明']],
    ['陆明\n俞悦', ['陆明', '俞悦']],
    ['陆明\r\n俞 悦', ['陆明', '俞悦']],
    ['陆明、俞悦', ['陆明', '俞悦']],
    ['陆明，俞悦', ['陆明', '俞悦']],
    ['陆明,俞悦;张三', ['陆明', '俞悦', '张三']],
    ['陆明 俞悦', ['陆明', '俞悦']],
    ['俞 悦 陆明', ['俞悦', '陆明']],
    ['陆明 俞 悦', ['陆明', '俞悦']],
    ['俞 悦 陆 明', ['俞悦', '陆明']],
    ['张三（常务副县长、县委常委）', ['张三']],
    ['张三(副县长)\n李四（副县长）', ['张三', '李四']],
    ['张三同志', ['张三']],
    ['常务副县长 陆明', ['陆明']],
    ['县委常委、副县长 俞 悦', ['俞悦']],
    ['陆明、陆明', ['陆明']],
    ['\u200B陆明', ['陆明']],
    ['', []],
  ])('%j → %j', (cell, names) => {
    expect(parseLeaderCell(cell)).toEqual(names);
  });
  it('keeps order (the first named leads)', () => {
    expect(parseLeaderCell('俞悦\n陆明')).toEqual(['俞悦', '陆明']);
    expect(parseLeaderCell(null)).toEqual([]);
  });
  it('normaliseLeaderName', () => {
    expect(normaliseLeaderName(' 俞 悦 ')).toBe('俞悦');
    expect(normaliseLeaderName('俞悦（副区长）')).toBe('俞悦');
  });

  it('a cell that says none (无 / 暂无 / — / ／ / 待定) names no leader (new-user trial: 「无」 became a county leader)', () => {
    for (const cell of ['无', '暂无', '—', '／', '待定', '-']) expect(parseLeaderCell(cell), cell).toEqual([]);
    expect(parseLeaderCell('陆明、无')).toEqual(['陆明']);
  });
});
