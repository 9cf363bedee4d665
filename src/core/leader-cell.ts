// Leaders' names as ledgers typeset them: `俞 悦` (a two-character name padded to three with a
// space), two leaders in one cell (line break, 、，, or a space between full names), sometimes
// with a post in brackets (`张三（副县长）`). Order is kept: the first named leads.
import { ZERO_WIDTH } from './cell-value.js';
import { saysNone } from './tables/none-words.js';

const CJK = /^[\u3400-\u9fff\uf900-\ufaff]$/u;
const isSingleCjk = (t: string) => Array.from(t).length === 1 && CJK.test(t);

/** Separators between leaders other than spaces. */
const LEADER_SEPARATORS = /[\n\u2028\u2029、，,；;／/]+/;

/** A post written beside a name (常务副县长 陆明): a token that is only a post is not a leader. */
const POST_ONLY = /^(?:[\u3400-\u9fff]*(?:书记|县长|区长|市长|省长|镇长|主任|部长|委员|常委|主席|局长|秘书长|组长|政委|司令员|院长|检察长|行长|调研员|巡视员))$/u;

/** One leader's name normalised: no whitespace of any kind, no bracketed post, no trailing 同志. */
export function normaliseLeaderName(raw: string): string {
  return raw
    .replace(ZERO_WIDTH, '')
    .replace(/[（(【\[][^）)】\]]*[）)】\]]/g, '')
    .replace(/\s+/g, '')
    .replace(/同志$/, '')
    .replace(/[。.:：]+$/, '');
}

/**
 * The leaders named in a cell, in order, without repeats. Within a part, space-separated tokens
 * that are single CJK characters are one name typeset with letter-spacing: a run of 2 or 3 such
 * tokens is one name (`俞 悦` → 俞悦, `王 小 明` → 王小明); a longer run is read two by two.
 * Tokens of two or more characters are full names (`陆明 俞悦` → 陆明, 俞悦); a token that is only a
 * post (`常务副县长 陆明`, `县委常委、副县长`) is dropped.
 */
export function parseLeaderCell(text: string | null | undefined): string[] {
  if (!text || saysNone(text)) return [];
  const names: string[] = [];
  // Bracketed posts may hold separators (（常务副县长、县委常委）): drop them before splitting.
  const withoutPosts = text.replace(ZERO_WIDTH, '').replace(/[（(【\[][^）)】\]]*[）)】\]]/g, ' ');
  for (const part of withoutPosts.replace(/\r\n?/g, '\n').split(LEADER_SEPARATORS)) {
    const tokens = part.split(/\s+/).filter(Boolean);
    let run: string[] = [];
    const flush = () => {
      if (run.length === 4) names.push(run.slice(0, 2).join(''), run.slice(2).join(''));
      else if (run.length > 3) for (let i = 0; i < run.length; i += 2) names.push(run.slice(i, i + 2).join(''));
      else if (run.length > 0) names.push(run.join(''));
      run = [];
    };
    for (const t of tokens) {
      if (isSingleCjk(t)) run.push(t);
      else {
        flush();
        names.push(t);
      }
    }
    flush();
  }
  return [...new Set(names.map(normaliseLeaderName).filter((n) => n && !POST_ONLY.test(n) && !saysNone(n)))];
}
