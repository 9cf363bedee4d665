// Types for cards.js (plain JS served to the browser as is; also imported by the tests).
export interface RenderContext {
  /** Names an open_id for <at id=…></at> and person components. */
  nameOf?: (openId: string) => string | undefined;
}
export const HEADER_TEMPLATES: string[];
export const CHART_COLORS: string[];
export function esc(v: unknown): string;
export function mdToHtml(src: unknown, ctx?: RenderContext): string;
export function renderCard(card: unknown, ctx?: RenderContext): string;
export function renderElements(elements: unknown, ctx: RenderContext, scope: { inForm: boolean; formName?: string }): string;
export function renderChart(el: unknown): string;
