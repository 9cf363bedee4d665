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

function render(option: echarts.EChartsCoreOption, width: number, height: number): ChartImage {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, backgroundColor: '#ffffff', textStyle: { fontFamily: FONT_FAMILY }, ...option });
    const svg = chart.renderToSVGString();
    const png = new Resvg(svg, {
      fitTo: { mode: 'width', value: width * 2 },
      font: { loadSystemFonts: false, fontFiles: fonts(), defaultFontFamily: FONT_FAMILY },
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
