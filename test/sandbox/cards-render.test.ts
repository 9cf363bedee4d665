// The page's card renderer (src/sandbox/web/public/cards.js) in Node: it builds escaped HTML
// strings, so what a person sees can be checked without a browser.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mdToHtml, renderCard, renderChart } from '../../src/sandbox/web/public/cards.js';

describe('sandbox card renderer', () => {
  it('markdown: bold, italics, strike, font colours, text tags, links, line breaks', () => {
    const html = mdToHtml("**牵头** *说明* ~~作废~~\n<font color='grey'>灰字</font> <text_tag color='red'>红色</text_tag> [链接](https://example.com/a?b=1&c=2)");
    expect(html).toContain('<b>牵头</b>');
    expect(html).toContain('<i>说明</i>');
    expect(html).toContain('<s>作废</s>');
    expect(html).toContain('<br>');
    expect(html).toMatch(/<span class="md-font" style="color:#[0-9a-f]+">灰字<\/span>/);
    expect(html).toContain('<span class="md-tag tag-red">红色</span>');
    expect(html).toContain('<a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener">链接</a>');
  });

  it('markdown: escaped entities show literally and never become markup', () => {
    // What mdEscape (src/cards/render.ts) makes of "**x** <at id=all></at> a_b"
    const html = mdToHtml('&#42;&#42;x&#42;&#42; &lt;at id=all&gt;&lt;/at&gt; a&#95;b &amp; 1&#124;2');
    expect(html).toBe('**x** &lt;at id=all&gt;&lt;/at&gt; a_b &amp; 1|2');
  });

  it('markdown: raw HTML other than Feishu tags is escaped; unsafe links are neutralised', () => {
    const html = mdToHtml('<script>alert(1)</script><img src=x onerror=alert(1)> <a href="javascript:alert(1)">x</a>');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('href="#"');
  });

  it('markdown: @mentions by name, lists and headings', () => {
    const html = mdToHtml('<at id=ou_1></at> 请关注\n- 第一项\n- 第二项\n# 标题', { nameOf: (id) => (id === 'ou_1' ? '程功' : undefined) });
    expect(html).toContain('<span class="md-at">@程功</span>');
    expect(html).toContain('<div class="md-li"><span class="md-bullet">•</span>第一项</div>');
    expect(html).toContain('<div class="md-h md-h1">标题</div>');
  });

  it('card: header colour, subtitle, buttons with their callback values, a form with its fields', () => {
    const html = renderCard({
      schema: '2.0',
      config: { update_multi: true },
      header: { title: { tag: 'plain_text', content: '任务交办单' }, subtitle: { tag: 'plain_text', content: 'QY-2026-009 · 城关街道' }, template: 'blue' },
      body: {
        elements: [
          { tag: 'button', text: { tag: 'plain_text', content: '签收' }, type: 'primary_filled', behaviors: [{ type: 'callback', value: { a: 'sign', t: 9 } }] },
          {
            tag: 'form',
            name: 'dispute_form',
            elements: [
              { tag: 'input', name: 'reason', placeholder: { tag: 'plain_text', content: '异议理由' } },
              { tag: 'select_static', name: 'task', options: [{ text: { tag: 'plain_text', content: 'QY-1' }, value: '1' }] },
              { tag: 'button', name: 'dispute', text: { tag: 'plain_text', content: '提出异议' }, type: 'danger', form_action_type: 'submit', behaviors: [{ type: 'callback', value: { a: 'dispute', t: 9 } }] },
            ],
          },
        ],
      },
    });
    expect(html).toContain('class="card-header tpl-blue"');
    expect(html).toContain('<div class="card-title">任务交办单</div>');
    expect(html).toContain('<div class="card-subtitle">QY-2026-009 · 城关街道</div>');
    expect(html).toContain(`data-cb="${'{"a":"sign","t":9}'.replace(/"/g, '&quot;')}"`);
    expect(html).toContain('class="card-btn btn-primary_filled"');
    expect(html).toMatch(/<div class="card-form" data-form-name="dispute_form">/);
    expect(html).toMatch(/<input class="el-input" type="text" placeholder="异议理由" value="" data-field="reason"/);
    expect(html).toMatch(/<select class="el-input el-select" data-field="task"/);
    expect(html).toMatch(/data-form-submit="1"/);
  });

  it('table: columns and rows, numbers right-aligned, options as tags', () => {
    const html = renderCard({
      schema: '2.0',
      body: {
        elements: [
          {
            tag: 'table',
            columns: [
              { name: 'unit', display_name: '单位', data_type: 'text' },
              { name: 'n', display_name: '事项', data_type: 'number' },
              { name: 'level', display_name: '督办', data_type: 'options' },
            ],
            rows: [{ unit: '石堡镇', n: 2, level: [{ text: '红色', color: 'red' }] }],
          },
        ],
      },
    });
    expect(html).toContain('<th>单位</th>');
    expect(html).toContain('<td>石堡镇</td>');
    expect(html).toContain('<td style="text-align:right">2</td>');
    expect(html).toContain('<span class="md-tag tag-red">红色</span>');
  });

  it('charts: a pie becomes a donut with percentages; a bar chart becomes horizontal bars', () => {
    const pie = renderChart({
      tag: 'chart',
      chart_spec: { type: 'pie', categoryField: 'type', valueField: 'value', data: { values: [{ type: '正常', value: 3 }, { type: '红色', value: 1 }] }, color: { type: 'ordinal', domain: ['红色', '正常'], range: ['#f54a45', '#34c724'] } },
    });
    expect(pie).toContain('conic-gradient(');
    expect(pie).toMatch(/background:#34c724"><\/span><span class="legend-label">正常<\/span><span class="legend-value">3<\/span><span class="legend-pct">75\.0%/);
    expect(pie).toMatch(/background:#f54a45"><\/span><span class="legend-label">红色<\/span><span class="legend-value">1<\/span><span class="legend-pct">25\.0%/);

    const bar = renderChart({ tag: 'chart', chart_spec: JSON.stringify({ type: 'bar', title: { text: '完成率' }, xField: 'name', yField: 'value', data: [{ id: 'd', values: [{ name: '三岔乡', value: 100 }, { name: '石堡镇', value: 50 }] }] }) });
    expect(bar).toContain('<div class="chart-title">完成率</div>');
    expect(bar).toMatch(/<div class="bar-label">三岔乡<\/div><div class="bar-track"><div class="bar-line"><span class="bar" style="width:100\.00%/);
    expect(bar).toMatch(/<div class="bar-label">石堡镇<\/div><div class="bar-track"><div class="bar-line"><span class="bar" style="width:50\.00%/);
  });

  it('renders every card template in cards/ without unsupported components', () => {
    const dir = path.resolve('cards');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      // Slots ({"$slot": …}) and whole-value variables ("chart_spec": "{{chart}}") are filled by
      // src/cards/render.ts before sending: leave those out here.
      const isPlaceholder = (x: unknown) =>
        Boolean(x && typeof x === 'object' && ('$slot' in x || Object.values(x).some((v) => typeof v === 'string' && /^\{\{\w+\}\}$/.test(v) && 'tag' in x && (x as { tag: string }).tag === 'chart')));
      const card = JSON.parse(readFileSync(path.join(dir, file), 'utf8'), (_k, v: unknown) => (Array.isArray(v) ? v.filter((x) => !isPlaceholder(x)) : v)) as unknown;
      const html = renderCard(card);
      expect(html, file).not.toContain('card-unsupported');
      expect(html, file).toContain('card-title');
    }
  });
});
