// Charts for the Word documents, as PNG images: ECharts renders server-side to an SVG string (its
// SSR mode: no DOM, no canvas), resvg turns the SVG into a PNG. The machine need not have a Chinese
// font: the Noto Sans Hans font shipped in @embedpdf/fonts-sc is handed to resvg, so unit names and
// titles are drawn, not boxes.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as echarts from 'echarts';
import { Resvg } from '@resvg/resvg-js';

const require = createRequire(import.meta.url);
const FONT_FAMILY = 'Noto Sans Hans';
let fontFiles: string[] | null = null;
function fonts(): string[] {
  if (!fontFiles) {
    // The package exports no package.json: its main entry is dist/index.*, the fonts sit beside dist/.
    const dir = path.join(path.dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts');
    fontFiles = [path.join(dir, 'NotoSansHans-Regular.otf'), path.join(dir, 'NotoSansHans-Bold.otf')];
  }
  return fontFiles;
}

export interface ChartImage {
  png: Buffer;
  width: number;
  height: number;
}

export interface ChartItem {
  name: string;
  value: number;
  colour?: string;
}

/** How often the fonts were opened (by resvg) since the process started: each outlining of new text. */
let fontLoads = 0;
export const chartFontLoads = () => fontLoads;

/**
 * Text drawn as paths, per text element (its attributes but the position, and its content), kept for
 * the process. resvg's Node binding cannot hold fonts between renders (no font buffers: each `new Resvg`
 * opens the 17 MB of font files again and sets up the face for every text element, ~5–7 ms each), so
 * what is kept is its result: the outlines, made once for every label and title not seen before (all
 * of a chart's new ones in one resvg pass) and reused by every later chart. Bounded: cleared past
 * OUTLINE_CACHE_MAX entries.
 */
const outlines = new Map<string, string>();
const OUTLINE_CACHE_MAX = 20_000;
const TEXT_ELEMENT = /<text([^>]*)>([^<]*)<\/text>/g;
const TRANSFORM = / transform="([^"]*)"/;
/** A text element's key (without its position) and its transform. */
function textKey(attrs: string, content: string): { key: string; transform: string | undefined } {
  return { key: `<text${attrs.replace(TRANSFORM, '')}>${content}</text>`, transform: TRANSFORM.exec(attrs)?.[1] };
}
const fontOptions = () => ({ loadSystemFonts: false, fontFiles: fonts(), defaultFontFamily: FONT_FAMILY });

function outlineTexts(svg: string, width: number, height: number): string {
  const fresh = [...new Set([...svg.matchAll(TEXT_ELEMENT)].map((m) => textKey(m[1]!, m[2]!).key))].filter((k) => !outlines.has(k));
  if (fresh.length) {
    if (outlines.size + fresh.length > OUTLINE_CACHE_MAX) outlines.clear();
    // All new text in one pass, each in its own group at the origin; usvg writes them back as paths.
    const batch = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${fresh.map((k, i) => `<g id="t${i}">${k}</g>`).join('')}</svg>`;
    fontLoads++;
    const out = new Resvg(batch, { font: fontOptions() }).toString();
    const parts = out.split(/<g id="t(\d+)">/);
    for (let i = 1; i < parts.length; i += 2) {
      // The group's content up to its own closing tag (the last </g> of the part).
      const body = parts[i + 1]!.replace(/<\/svg>\s*$/, '');
      outlines.set(fresh[Number(parts[i])]!, body.slice(0, body.lastIndexOf('</g>')));
    }
  }
  return svg.replace(TEXT_ELEMENT, (whole, attrs: string, content: string) => {
    const { key, transform } = textKey(attrs, content);
    const paths = outlines.get(key);
    if (paths === undefined) return whole;
    return transform ? `<g transform="${transform}">${paths}</g>` : `<g>${paths}</g>`;
  });
}

function render(option: echarts.EChartsCoreOption, width: number, height: number): ChartImage {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, backgroundColor: '#ffffff', textStyle: { fontFamily: FONT_FAMILY }, ...option });
    const svg = outlineTexts(chart.renderToSVGString(), width, height);
    // Text ECharts wrote in another form (none in these charts) still needs the fonts.
    const needsFonts = svg.includes('<text');
    if (needsFonts) fontLoads++;
    const png = new Resvg(svg, {
      fitTo: { mode: 'width', value: width * 2 },
      font: needsFonts ? fontOptions() : { loadSystemFonts: false },
    })
      .render()
      .asPng();
    return { png: Buffer.from(png), width, height };
  } finally {
    chart.dispose();
  }
}

/** A bar chart (values per unit, a batch…); long lists get rotated labels. */
export function barChartPng(title: string, items: readonly ChartItem[], unit = ''): ChartImage {
  const rotate = items.length > 8 ? 40 : 0;
  return render(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 16 } },
      grid: { left: 50, right: 20, top: 50, bottom: rotate ? 90 : 40 },
      xAxis: { type: 'category', data: items.map((i) => i.name), axisLabel: { rotate, interval: 0, fontSize: 11 } },
      yAxis: { type: 'value', name: unit },
      series: [
        {
          type: 'bar',
          data: items.map((i) => ({ value: i.value, itemStyle: i.colour ? { color: i.colour } : { color: '#3370ff' } })),
          label: { show: items.length <= 20, position: 'top', fontSize: 11 },
        },
      ],
    },
    600,
    360,
  );
}

/** A pie chart; each category keeps its colour. */
export function pieChartPng(title: string, items: readonly ChartItem[]): ChartImage {
  return render(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 16 } },
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['30%', '60%'],
          label: { formatter: '{b}：{c}' },
          data: items.map((i) => ({ name: i.name, value: i.value, ...(i.colour ? { itemStyle: { color: i.colour } } : {}) })),
        },
      ],
    },
    600,
    360,
  );
}
