// Renders Feishu card JSON 2.0 (and the common parts of 1.0) as HTML, readably: header colours,
// markdown (bold, <font color>, <text_tag>, entities), hr, column_set, table, chart (pie → donut
// with legend and percentages, bar/line → horizontal bars), buttons and forms. Pure string
// building with escaping, so the same module runs in the page and in the tests (Node).
//
// Interactive elements carry data attributes read by app.js:
//   [data-cb]            a callback button; data-cb = JSON of its behaviors[0].value
//   [data-form-submit]   a submit button inside a form (collect [data-field] of the enclosing .card-form)
//   [data-form-reset]    a reset button
//   [data-confirm]       ask before sending

export const HEADER_TEMPLATES = ['blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey', 'default'];
export const CHART_COLORS = ['#1664FF', '#1AC6FF', '#FF8A00', '#3CC780', '#7442D4', '#FFC400', '#304D77', '#B48DEB', '#009488', '#FF7DDA'];

const FONT_COLORS = {
  red: '#d83931', green: '#2ea121', grey: '#8f959e', gray: '#8f959e', blue: '#245bdb', orange: '#de7802', yellow: '#dc9b04',
  violet: '#9f2fa6', purple: '#6425d0', indigo: '#3b4dd8', carmine: '#c71f6f', turquoise: '#078372', wathet: '#0f7ab4', lime: '#6f9a00',
  neutral: '#646a73', default: '#1f2329',
};

export function esc(v) {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

const NAMED_ENTITIES = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0' };
function decodeEntity(m) {
  const body = m.slice(1, -1);
  if (body[0] === '#') {
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
  }
  return NAMED_ENTITIES[body.toLowerCase()] ?? m;
}

function colorStyle(c) {
  const name = String(c).toLowerCase();
  if (FONT_COLORS[name]) return `color:${FONT_COLORS[name]}`;
  if (/^#[0-9a-f]{3,8}$/i.test(name)) return `color:${name}`;
  if (/^rgba?\([\d\s.,%]+\)$/i.test(name)) return `color:${name}`;
  return '';
}

const safeClass = (c) => String(c ?? '').toLowerCase().replace(/[^a-z0-9_-]/g, '');
const safeUrl = (u) => (/^(https?:|mailto:)/i.test(String(u)) ? String(u) : '#');

/** Feishu card markdown → HTML. ctx.nameOf(openId) names <at id=…></at> mentions. */
export function mdToHtml(src, ctx = {}) {
  const stash = [];
  const put = (html) => `\uE000${stash.push(html) - 1}\uE001`;
  let s = String(src ?? '').replace(/\r\n?/g, '\n');
  // Escaped characters (&#42; &lt; …) show literally and never count as markdown.
  s = s.replace(/&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot|apos|nbsp);/g, (m) => put(esc(decodeEntity(m))));
  s = s.replace(/```[^\n]*\n([\s\S]*?)```/g, (_m, code) => put(`<pre class="md-pre">${esc(code.replace(/\n$/, ''))}</pre>`));
  s = s.replace(/`([^`\n]+)`/g, (_m, code) => put(`<code class="md-code">${esc(code)}</code>`));
  s = s.replace(/<at\s+(id|ids|email|user_id)\s*=\s*['"]?([^'">\s]*)['"]?\s*>([^<]*)<\/at>/gi, (_m, _kind, id, inner) => {
    const names = String(id).split(',').map((one) => (one === 'all' ? '所有人' : (inner || ctx.nameOf?.(one) || one)));
    return put(names.map((n) => `<span class="md-at">@${esc(n)}</span>`).join(' '));
  });
  s = s.replace(/<font\s+color\s*=\s*['"]?([^'">\s]+)['"]?\s*>/gi, (_m, c) => put(`<span class="md-font" style="${colorStyle(c)}">`));
  s = s.replace(/<\/font>/gi, () => put('</span>'));
  s = s.replace(/<text_tag\s+color\s*=\s*['"]?([^'">\s]+)['"]?\s*>/gi, (_m, c) => put(`<span class="md-tag tag-${safeClass(c)}">`));
  s = s.replace(/<\/text_tag>/gi, () => put('</span>'));
  s = s.replace(/<a\s+href\s*=\s*['"]?([^'">\s]+)['"]?[^>]*>/gi, (_m, u) => put(`<a href="${esc(safeUrl(u))}" target="_blank" rel="noopener">`));
  s = s.replace(/<\/a>/gi, () => put('</a>'));
  s = s.replace(/<link\s+[^>]*url\s*=\s*['"]?([^'">\s]+)['"]?[^>]*>/gi, (_m, u) => put(`<a href="${esc(safeUrl(u))}" target="_blank" rel="noopener">`));
  s = s.replace(/<\/link>/gi, () => put('</a>'));
  s = s.replace(/<br\s*\/?>/gi, () => put('<br>'));
  s = s.replace(/<hr\s*\/?>/gi, () => put('<hr class="md-hr">'));
  s = s.replace(/:([A-Za-z]+):/g, (m, name) => (EMOJI[name] ? put(EMOJI[name]) : m));
  s = esc(s);
  s = s.replace(/\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g, (_m, t, u) => `<a href="${u}" target="_blank" rel="noopener">${t}</a>`);
  s = s.replace(/\*\*([\s\S]+?)\*\*/g, '<b>$1</b>');
  s = s.replace(/~~([\s\S]+?)~~/g, '<s>$1</s>');
  s = s.replace(/(^|[^*])\*([^*\n]+)\*(?!\*)/g, '$1<i>$2</i>');
  // Lines: headings, list items and quotes are blocks; other lines are joined by <br>.
  const parts = s.split('\n').map((line) => {
    let m;
    if ((m = /^(#{1,6})\s+(.*)$/.exec(line))) return { block: true, html: `<div class="md-h md-h${m[1].length}">${m[2]}</div>` };
    if ((m = /^\s*[-•]\s+(.*)$/.exec(line))) return { block: true, html: `<div class="md-li"><span class="md-bullet">•</span>${m[1]}</div>` };
    if ((m = /^\s*(\d+)\.\s+(.*)$/.exec(line))) return { block: true, html: `<div class="md-li"><span class="md-bullet">${m[1]}.</span>${m[2]}</div>` };
    if ((m = /^&gt;\s?(.*)$/.exec(line))) return { block: true, html: `<div class="md-quote">${m[1]}</div>` };
    return { block: false, html: line };
  });
  let out = '';
  parts.forEach((p, i) => {
    out += p.html;
    const next = parts[i + 1];
    if (next && !p.block && !next.block) out += '<br>';
  });
  for (let guard = 0; guard < 5 && out.includes('\uE000'); guard++) out = out.replace(/\uE000(\d+)\uE001/g, (_m, i) => stash[Number(i)] ?? '');
  return out;
}

const EMOJI = { OK: '👌', THUMBSUP: '👍', DONE: '✅', FIRE: '🔥', CLAP: '👏', WARNING: '⚠️', JIAYI: '➕', MUSCLE: '💪', SMILE: '🙂' };

function textOf(t, ctx) {
  if (t === undefined || t === null) return '';
  if (typeof t === 'string') return esc(t);
  if (t.tag === 'lark_md' || t.tag === 'markdown') return mdToHtml(t.content, ctx);
  return esc(t.content ?? '').replace(/\n/g, '<br>');
}
const plain = (t) => (t === undefined || t === null ? '' : typeof t === 'string' ? t : String(t.content ?? ''));

// ---------------------------------------------------------------------------------------------

/** A whole card message → HTML. */
export function renderCard(card, ctx = {}) {
  if (!card || typeof card !== 'object') return `<div class="fcard"><div class="card-body"><div class="card-unsupported">[无法显示的卡片]</div></div></div>`;
  if (card.type === 'template') {
    const id = card.data?.template_id ?? '';
    return `<div class="fcard"><div class="card-body"><div class="card-unsupported">[模板卡片 ${esc(id)}：沙箱不保存搭建工具里的模板]</div></div></div>`;
  }
  const header = card.header;
  const template = HEADER_TEMPLATES.includes(header?.template) ? header.template : 'default';
  const elements = card.schema === '2.0' ? (card.body?.elements ?? []) : (card.elements ?? card.i18n_elements?.zh_cn ?? []);
  let html = `<div class="fcard${card.config?.width_mode === 'fill' ? ' fcard-fill' : ''}">`;
  if (header && (header.title || header.subtitle)) {
    const tags = (header.text_tag_list ?? [])
      .map((t) => `<span class="md-tag tag-${safeClass(t.color ?? 'neutral')}">${esc(plain(t.text))}</span>`)
      .join('');
    html += `<div class="card-header tpl-${template}" data-template="${template}">`;
    html += `<div class="card-title">${textOf(header.title, ctx)}${tags ? ` <span class="card-title-tags">${tags}</span>` : ''}</div>`;
    if (header.subtitle && plain(header.subtitle)) html += `<div class="card-subtitle">${textOf(header.subtitle, ctx)}</div>`;
    html += `</div>`;
  }
  html += `<div class="card-body">${renderElements(elements, ctx, { inForm: false })}</div></div>`;
  return html;
}

export function renderElements(elements, ctx, scope) {
  if (!Array.isArray(elements)) return '';
  return elements.map((el) => renderElement(el, ctx, scope)).join('');
}

function align(el) {
  const a = el.text_align ?? el.horizontal_align;
  return a === 'center' || a === 'right' ? ` style="text-align:${a}"` : '';
}

function renderElement(el, ctx, scope) {
  if (!el || typeof el !== 'object') return '';
  switch (el.tag) {
    case 'markdown':
    case 'lark_md':
      return `<div class="el-md${el.text_size ? ` size-${safeClass(el.text_size)}` : ''}"${align(el)}>${mdToHtml(el.content, ctx)}</div>`;
    case 'plain_text':
      return `<div class="el-md"${align(el)}>${esc(el.content).replace(/\n/g, '<br>')}</div>`;
    case 'div': {
      let h = el.text ? `<div class="el-md"${align(el)}>${textOf(el.text, ctx)}</div>` : '';
      if (Array.isArray(el.fields) && el.fields.length) {
        h += `<div class="el-fields">${el.fields.map((f) => `<div class="el-field${f.is_short ? ' short' : ''}">${textOf(f.text, ctx)}</div>`).join('')}</div>`;
      }
      if (el.extra) h += renderElement(el.extra, ctx, scope);
      return h;
    }
    case 'note':
      return `<div class="el-note">${(el.elements ?? []).map((e) => (e.tag === 'img' ? '' : textOf(e, ctx))).join(' ')}</div>`;
    case 'hr':
      return '<hr class="el-hr">';
    case 'column_set':
      return renderColumnSet(el, ctx, scope);
    case 'column':
      return `<div class="el-column">${renderElements(el.elements, ctx, scope)}</div>`;
    case 'table':
      return renderTable(el, ctx);
    case 'chart':
      return renderChart(el);
    case 'button':
      return renderButton(el, scope);
    case 'action':
      return `<div class="el-actions">${(el.actions ?? []).map((a) => renderElement(a, ctx, scope)).join('')}</div>`;
    case 'form':
      return `<div class="card-form" data-form-name="${esc(el.name ?? '')}">${renderElements(el.elements, ctx, { inForm: true, formName: el.name })}</div>`;
    case 'input':
      return renderInput(el);
    case 'select_static':
    case 'multi_select_static':
      return renderSelect(el);
    case 'date_picker':
    case 'picker_time':
    case 'picker_datetime':
      return renderPicker(el);
    case 'checker':
      return `<label class="el-checker"><input type="checkbox" data-field="${esc(el.name ?? '')}" data-kind="checker"${el.checked ? ' checked' : ''}> ${textOf(el.text, ctx)}</label>`;
    case 'img':
    case 'image':
      return `<div class="el-img">[图片${el.alt ? `：${esc(plain(el.alt))}` : ''}]</div>`;
    case 'person':
      return `<span class="md-at">@${esc(ctx.nameOf?.(el.user_id) ?? el.user_id ?? '')}</span>`;
    case 'person_list':
      return `<div class="el-md">${(el.persons ?? []).map((p) => `<span class="md-at">@${esc(ctx.nameOf?.(p.id) ?? p.id)}</span>`).join(' ')}</div>`;
    case 'collapsible_panel':
      return `<details class="el-panel"${el.expanded ? ' open' : ''}><summary>${textOf(el.header?.title, ctx) || '展开'}</summary>${renderElements(el.elements, ctx, scope)}</details>`;
    case 'interactive_container':
      return `<div class="el-container">${renderElements(el.elements, ctx, scope)}</div>`;
    default:
      return `<div class="card-unsupported">[沙箱暂不支持的组件：${esc(el.tag ?? '?')}]</div>`;
  }
}

function renderColumnSet(el, ctx, scope) {
  const cols = (el.columns ?? []).map((c) => {
    let style;
    if (c.width === 'auto') style = 'flex:0 0 auto';
    else if (typeof c.width === 'string' && /^\d+px$/.test(c.width)) style = `flex:0 0 ${c.width}`;
    else style = `flex:${Number(c.weight) > 0 ? Number(c.weight) : 1} 1 0`;
    const valign = c.vertical_align === 'center' ? ';align-self:center' : c.vertical_align === 'bottom' ? ';align-self:flex-end' : '';
    const bg = c.background_style && c.background_style !== 'default' ? ` bg-${safeClass(c.background_style)}` : '';
    return `<div class="el-column${bg}" style="${style}${valign}">${renderElements(c.elements, ctx, scope)}</div>`;
  });
  const bg = el.background_style && el.background_style !== 'default' ? ` bg-${safeClass(el.background_style)}` : '';
  return `<div class="el-columns${bg}">${cols.join('')}</div>`;
}

function formatNumber(v, format) {
  const n = Number(v);
  if (!Number.isFinite(n)) return esc(v);
  const precision = Number.isInteger(format?.precision) ? format.precision : undefined;
  let s = precision !== undefined ? n.toFixed(precision) : String(n);
  if (format?.separator) s = s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return esc(`${format?.symbol ?? ''}${s}`);
}

function renderCell(v, col, ctx) {
  if (v === undefined || v === null || v === '') return '';
  switch (col.data_type) {
    case 'lark_md':
    case 'markdown':
      return mdToHtml(v, ctx);
    case 'number':
      return formatNumber(v, col.format);
    case 'options': {
      const list = Array.isArray(v) ? v : [v];
      return list.map((o) => (typeof o === 'object' ? `<span class="md-tag tag-${safeClass(o.color ?? 'neutral')}">${esc(o.text ?? '')}</span>` : `<span class="md-tag tag-neutral">${esc(o)}</span>`)).join(' ');
    }
    case 'persons': {
      const list = Array.isArray(v) ? v : [v];
      return list.map((p) => `<span class="md-at">@${esc(ctx.nameOf?.(p) ?? p)}</span>`).join(' ');
    }
    case 'date': {
      const d = typeof v === 'number' ? new Date(v) : null;
      return esc(d && !Number.isNaN(d.getTime()) ? d.toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' }) : v);
    }
    default:
      return esc(typeof v === 'object' ? JSON.stringify(v) : v);
  }
}

function renderTable(el, ctx) {
  const cols = Array.isArray(el.columns) ? el.columns : [];
  const rows = Array.isArray(el.rows) ? el.rows : [];
  const th = cols
    .map((c) => `<th${c.horizontal_align && c.horizontal_align !== 'left' ? ` style="text-align:${c.horizontal_align === 'right' ? 'right' : 'center'}"` : c.data_type === 'number' ? ' style="text-align:right"' : ''}>${esc(c.display_name ?? c.name ?? '')}</th>`)
    .join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${cols
          .map((c) => {
            const a = c.horizontal_align && c.horizontal_align !== 'left' ? c.horizontal_align : c.data_type === 'number' ? 'right' : '';
            return `<td${a ? ` style="text-align:${a === 'right' ? 'right' : 'center'}"` : ''}>${renderCell(r?.[c.name], c, ctx)}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  const empty = rows.length === 0 ? `<tr><td colspan="${Math.max(1, cols.length)}" class="el-table-empty">暂无数据</td></tr>` : '';
  return `<div class="el-table-wrap"><table class="el-table"><thead><tr>${th}</tr></thead><tbody>${body}${empty}</tbody></table></div>`;
}

// --- charts ----------------------------------------------------------------------------------

function chartValues(spec) {
  const d = spec?.data;
  if (Array.isArray(d)) return d.flatMap((x) => (Array.isArray(x?.values) ? x.values : []));
  if (d && Array.isArray(d.values)) return d.values;
  return [];
}
const firstField = (f) => (Array.isArray(f) ? f[0] : f);
const fmt = (n) => (Number.isInteger(n) ? String(n) : n.toFixed(1).replace(/\.0$/, ''));

export function renderChart(el) {
  let spec = el.chart_spec;
  if (typeof spec === 'string') {
    try {
      spec = JSON.parse(spec);
    } catch {
      return `<div class="card-unsupported">[图表数据无法解析]</div>`;
    }
  }
  if (!spec || typeof spec !== 'object') return `<div class="card-unsupported">[空图表]</div>`;
  const colors = Array.isArray(spec.color) ? spec.color : Array.isArray(spec.color?.range) ? spec.color.range : CHART_COLORS;
  const title = spec.title?.text ? `<div class="chart-title">${esc(Array.isArray(spec.title.text) ? spec.title.text.join(' ') : spec.title.text)}</div>` : '';
  const values = chartValues(spec);
  const type = spec.type;
  let inner;
  if (type === 'pie' || type === 'rose' || type === 'circularProgress') inner = pieChart(spec, values, colors);
  else if (type === 'bar' || type === 'line' || type === 'area' || type === 'histogram') inner = barChart(spec, values, colors);
  else inner = dataTable(values);
  return `<div class="el-chart" data-chart-type="${esc(type ?? '')}">${title}${inner}</div>`;
}

/** VChart colours: an array (in order of appearance) or an ordinal scale {domain, range}. */
function colorOf(spec, colors, label, i) {
  const c = spec.color;
  if (c && !Array.isArray(c) && Array.isArray(c.domain) && Array.isArray(c.range) && c.range.length) {
    const k = c.domain.map(String).indexOf(label);
    if (k >= 0) return c.range[k % c.range.length];
  }
  return colors[i % colors.length];
}

function pieChart(spec, values, colors) {
  const cat = spec.categoryField ?? spec.seriesField ?? 'type';
  const val = spec.valueField ?? 'value';
  const items = values.map((v) => ({ label: String(v?.[cat] ?? ''), value: Number(v?.[val]) || 0 }));
  const total = items.reduce((a, b) => a + b.value, 0);
  if (items.length === 0 || total <= 0) return '<div class="chart-empty">暂无数据</div>';
  let acc = 0;
  const stops = items.map((it, i) => {
    const from = (acc / total) * 100;
    acc += it.value;
    return `${colorOf(spec, colors, it.label, i)} ${from.toFixed(2)}% ${((acc / total) * 100).toFixed(2)}%`;
  });
  const legend = items
    .map(
      (it, i) =>
        `<li><span class="swatch" style="background:${colorOf(spec, colors, it.label, i)}"></span><span class="legend-label">${esc(it.label)}</span><span class="legend-value">${esc(fmt(it.value))}</span><span class="legend-pct">${((it.value / total) * 100).toFixed(1)}%</span></li>`,
    )
    .join('');
  return `<div class="chart-pie"><div class="donut" style="background:conic-gradient(${stops.join(',')})"><div class="donut-hole">${esc(fmt(total))}<small>合计</small></div></div><ul class="chart-legend">${legend}</ul></div>`;
}

function barChart(spec, values, colors) {
  const horizontal = spec.direction === 'horizontal';
  const catField = firstField(horizontal ? spec.yField : spec.xField) ?? 'type';
  const valField = firstField(horizontal ? spec.xField : spec.yField) ?? 'value';
  const seriesField = spec.seriesField ?? (Array.isArray(horizontal ? spec.yField : spec.xField) ? (horizontal ? spec.yField : spec.xField)[1] : undefined);
  const categories = [];
  const series = [];
  const cell = new Map();
  for (const v of values) {
    const c = String(v?.[catField] ?? '');
    const s = seriesField ? String(v?.[seriesField] ?? '') : '';
    if (!categories.includes(c)) categories.push(c);
    if (!series.includes(s)) series.push(s);
    cell.set(`${c}\u0000${s}`, (cell.get(`${c}\u0000${s}`) ?? 0) + (Number(v?.[valField]) || 0));
  }
  if (categories.length === 0) return '<div class="chart-empty">暂无数据</div>';
  const stacked = Boolean(spec.stack);
  const totals = categories.map((c) => series.reduce((a, s) => a + (cell.get(`${c}\u0000${s}`) ?? 0), 0));
  const max = Math.max(1e-9, ...(stacked ? totals : [...cell.values()]));
  const pct = spec.percent === true || /%/.test(String(spec.axes?.find?.((a) => a.orient === 'left' || a.orient === 'bottom')?.label?.formatter ?? ''));
  const rows = categories
    .map((c, ci) => {
      const bars = series
        .map((s, si) => {
          const v = cell.get(`${c}\u0000${s}`) ?? 0;
          const w = Math.max(0, (v / max) * 100);
          const color = colorOf(spec, colors, s, si);
          return stacked
            ? `<span class="bar-seg" style="width:${w.toFixed(2)}%;background:${color}" title="${esc(s)} ${esc(fmt(v))}"></span>`
            : `<div class="bar-line"><span class="bar" style="width:${w.toFixed(2)}%;background:${color}"></span><span class="bar-value">${esc(fmt(v))}${pct ? '%' : ''}</span></div>`;
        })
        .join('');
      return stacked
        ? `<div class="bar-row"><div class="bar-label">${esc(c)}</div><div class="bar-track"><div class="bar-line">${bars}<span class="bar-value">${esc(fmt(totals[ci]))}</span></div></div></div>`
        : `<div class="bar-row"><div class="bar-label">${esc(c)}</div><div class="bar-track">${bars}</div></div>`;
    })
    .join('');
  const legend =
    series.length > 1 || (series.length === 1 && series[0] !== '')
      ? `<ul class="chart-legend inline">${series.map((s, i) => `<li><span class="swatch" style="background:${colorOf(spec, colors, s, i)}"></span><span class="legend-label">${esc(s)}</span></li>`).join('')}</ul>`
      : '';
  return `<div class="chart-bars">${rows}</div>${legend}`;
}

function dataTable(values) {
  if (values.length === 0) return '<div class="chart-empty">暂无数据</div>';
  const keys = [...new Set(values.flatMap((v) => Object.keys(v ?? {})))];
  return `<div class="el-table-wrap"><table class="el-table"><thead><tr>${keys.map((k) => `<th>${esc(k)}</th>`).join('')}</tr></thead><tbody>${values
    .map((v) => `<tr>${keys.map((k) => `<td>${esc(v?.[k])}</td>`).join('')}</tr>`)
    .join('')}</tbody></table></div>`;
}

// --- interactive -----------------------------------------------------------------------------

const BUTTON_TYPES = ['default', 'primary', 'danger', 'text', 'primary_text', 'danger_text', 'primary_filled', 'danger_filled', 'laser'];

function renderButton(el, scope) {
  const type = BUTTON_TYPES.includes(el.type) ? el.type : 'default';
  const label = esc(plain(el.text) || '按钮');
  const behaviors = Array.isArray(el.behaviors) ? el.behaviors : [];
  const cb = behaviors.find((b) => b?.type === 'callback');
  const url = behaviors.find((b) => b?.type === 'open_url')?.default_url ?? el.url ?? el.multi_url?.url;
  const value = cb ? cb.value : el.value; // 1.0: the historical `value` still triggers a callback
  const attrs = [`class="card-btn btn-${type}${el.width === 'fill' ? ' btn-fill' : ''}"`, 'type="button"'];
  if (el.name) attrs.push(`data-name="${esc(el.name)}"`);
  if (el.disabled) attrs.push('disabled', `title="${esc(plain(el.disabled_tips) || '不可用')}"`);
  if (el.confirm) attrs.push(`data-confirm="${esc([plain(el.confirm.title), plain(el.confirm.text)].filter(Boolean).join('\n'))}"`);
  if (scope?.inForm && el.form_action_type === 'submit') attrs.push('data-form-submit="1"');
  if (scope?.inForm && el.form_action_type === 'reset') attrs.push('data-form-reset="1"');
  if (value !== undefined || (scope?.inForm && el.form_action_type === 'submit')) attrs.push(`data-cb="${esc(JSON.stringify(value ?? null))}"`);
  if (url && value === undefined) return `<a class="card-btn btn-${type}" href="${esc(safeUrl(url))}" target="_blank" rel="noopener">${label}</a>`;
  return `<button ${attrs.join(' ')}>${label}</button>`;
}

function fieldAttrs(el, kind) {
  const label = plain(el.label) || plain(el.placeholder) || el.name || '';
  return `data-field="${esc(el.name ?? '')}" data-kind="${kind}" data-label="${esc(label)}"${el.required ? ' data-required="1" required' : ''}${el.disabled ? ' disabled' : ''}`;
}

function labelOf(el) {
  const l = plain(el.label);
  return l ? `<div class="el-label">${el.required ? '<span class="req">*</span>' : ''}${esc(l)}</div>` : '';
}

function renderInput(el) {
  const ph = esc(plain(el.placeholder));
  const max = Number(el.max_length) > 0 ? ` maxlength="${Number(el.max_length)}"` : '';
  const value = esc(el.default_value ?? '');
  const control =
    el.input_type === 'multiline_text'
      ? `<textarea class="el-input" rows="${Number(el.rows) > 0 ? Number(el.rows) : 3}" placeholder="${ph}"${max} ${fieldAttrs(el, 'input')}>${value}</textarea>`
      : `<input class="el-input" type="${el.input_type === 'password' ? 'password' : 'text'}" placeholder="${ph}" value="${value}"${max} ${fieldAttrs(el, 'input')}>`;
  return `<div class="el-field-wrap">${labelOf(el)}${control}</div>`;
}

function renderSelect(el) {
  const multi = el.tag === 'multi_select_static';
  const initial = multi ? (el.selected_values ?? []) : [el.initial_option];
  const opts = (el.options ?? [])
    .map((o) => `<option value="${esc(o.value)}"${initial.includes(o.value) ? ' selected' : ''}>${esc(plain(o.text))}</option>`)
    .join('');
  const placeholder = multi ? '' : `<option value=""${el.initial_option === undefined || el.initial_option === '' ? ' selected' : ''} disabled>${esc(plain(el.placeholder) || '请选择')}</option>`;
  return `<div class="el-field-wrap">${labelOf(el)}<select class="el-input el-select"${multi ? ' multiple' : ''} ${fieldAttrs(el, multi ? 'multi' : 'select')}>${placeholder}${opts}</select></div>`;
}

function renderPicker(el) {
  const type = el.tag === 'picker_time' ? 'time' : el.tag === 'picker_datetime' ? 'datetime-local' : 'date';
  const initial = el.initial_date ?? el.initial_time ?? el.initial_datetime ?? '';
  return `<div class="el-field-wrap">${labelOf(el)}<input class="el-input" type="${type}" value="${esc(initial)}" ${fieldAttrs(el, type)}></div>`;
}
