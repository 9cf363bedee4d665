// Cards that fit: lists that say "等 N 项" instead of overflowing, and rendering under the 25-KB card
// budget — for every card (chat replies and job pushes alike), so it sits with the renderer.
import { CardTooLargeError, renderCard, truncateList, type Card, type CardVars } from './render.js';
import { joinMd, md, type Md } from './markup.js';

/** Lines joined for one markdown element; over `max`, cut with "…等 N 项（另有 M 项未列出）". */
export function listText(lines: readonly Md[], max: number, empty = '无'): Md {
  if (lines.length === 0) return md`${empty}`;
  const { shown, moreText } = truncateList(lines, max);
  return moreText ? md`${joinMd(shown)}\n${moreText}` : joinMd(shown);
}

/**
 * Renders a template whose lists are cut at `max` items; when the card is still over the 25-KB
 * budget (long titles, many units) the lists are cut shorter until it fits, so a card is never
 * refused (Feishu's limit is 30 KB after rendering; see CARD_MAX_BYTES).
 */
export function renderFitting(name: string, vars: (max: number) => CardVars, max: number): Card {
  for (let m = max; ; m = Math.max(1, Math.floor(m * 0.7))) {
    try {
      return renderCard(name, vars(m));
    } catch (err) {
      if (m === 1 || !(err instanceof CardTooLargeError)) throw err;
    }
  }
}
