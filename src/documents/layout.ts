// The official layout (党政机关公文格式, GB/T 9704-2012) for the documents the office sends up:
// A4, margins 37/35/28/26 mm, title in 方正小标宋简体 二号 centred, the issuing body and date under
// it, body 仿宋_GB2312 三号 with a two-character first-line indent and a fixed 28-point line, section
// headings 一、 in 黑体, （一） in 楷体_GB2312, 1. in 仿宋_GB2312 bold; tables in 仿宋 小四 with 黑体
// heads; charts as PNG images centred. Numbering is written into the text (一、（一）1.), as in
// printed documents, so it survives any copy.
import {
  AlignmentType,
  BorderStyle,
  Document,
  ImageRun,
  LineRuleType,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type FileChild,
} from 'docx';
import type { ChartImage } from './charts.js';

export const FONTS = { title: '方正小标宋简体', heading: '黑体', subheading: '楷体_GB2312', body: '仿宋_GB2312' } as const;
const SIZE = { title: 44, body: 32, table: 24 } as const; // half-points: 二号 22 pt, 三号 16 pt, 小四 12 pt
const LINE = { line: 560, lineRule: LineRuleType.EXACT } as const; // 28 pt
const mm = (x: number) => Math.round((x / 25.4) * 1440);

const run = (text: string, font: string, size: number, bold = false) =>
  new TextRun({ text, bold, size, font: { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: font } });

const CN_NUMBERS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
export function chineseNumber(n: number): string {
  if (n <= 10) return CN_NUMBERS[n]!;
  if (n < 20) return `十${CN_NUMBERS[n - 10]}`;
  const tens = Math.floor(n / 10);
  return `${CN_NUMBERS[tens]}十${n % 10 ? CN_NUMBERS[n % 10] : ''}`;
}

/** Builds one document's body; `section`/`sub`/`item` number themselves (一、（一）1.). */
export class OfficialDoc {
  private readonly children: FileChild[] = [];
  private sectionNo = 0;
  private subNo = 0;
  private itemNo = 0;

  constructor(readonly meta: { title: string; issuer: string; date: string; subtitle?: string }) {
    this.children.push(
      new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 0, after: 0, line: 700, lineRule: LineRuleType.EXACT }, children: [run(meta.title, FONTS.title, SIZE.title)] }),
    );
    if (meta.subtitle) this.children.push(new Paragraph({ alignment: AlignmentType.CENTER, spacing: LINE, children: [run(meta.subtitle, FONTS.subheading, SIZE.body)] }));
    this.children.push(
      new Paragraph({ alignment: AlignmentType.CENTER, spacing: { ...LINE, before: 200 }, children: [run(`${meta.issuer}　${meta.date}`, FONTS.body, SIZE.body)] }),
      new Paragraph({ spacing: LINE, children: [] }),
    );
  }

  /** 一、 heading in 黑体. */
  section(text: string): this {
    this.sectionNo++;
    this.subNo = 0;
    this.itemNo = 0;
    this.children.push(new Paragraph({ spacing: LINE, indent: { firstLine: 640 }, children: [run(`${chineseNumber(this.sectionNo)}、${text}`, FONTS.heading, SIZE.body)] }));
    return this;
  }

  /** （一） heading in 楷体. */
  sub(text: string): this {
    this.subNo++;
    this.itemNo = 0;
    this.children.push(new Paragraph({ spacing: LINE, indent: { firstLine: 640 }, children: [run(`（${chineseNumber(this.subNo)}）${text}`, FONTS.subheading, SIZE.body)] }));
    return this;
  }

  /** 1. item: the lead words in bold 仿宋, the rest plain. */
  item(lead: string, text = ''): this {
    this.itemNo++;
    this.children.push(
      new Paragraph({
        spacing: LINE,
        alignment: AlignmentType.JUSTIFIED,
        indent: { firstLine: 640 },
        children: [run(`${this.itemNo}.${lead}`, FONTS.body, SIZE.body, true), ...(text ? [run(text, FONTS.body, SIZE.body)] : [])],
      }),
    );
    return this;
  }

  para(text: string): this {
    this.children.push(new Paragraph({ spacing: LINE, alignment: AlignmentType.JUSTIFIED, indent: { firstLine: 640 }, children: [run(text, FONTS.body, SIZE.body)] }));
    return this;
  }

  /** A table with a 黑体 head row; cells are text. */
  table(head: readonly string[], rows: readonly (readonly (string | number)[])[], caption?: string): this {
    if (caption) this.children.push(new Paragraph({ alignment: AlignmentType.CENTER, spacing: LINE, children: [run(caption, FONTS.heading, SIZE.table)] }));
    const border = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
    const borders = { top: border, bottom: border, left: border, right: border };
    const cell = (text: string | number, headRow: boolean) =>
      new TableCell({
        borders,
        children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [run(String(text), headRow ? FONTS.heading : FONTS.body, SIZE.table)] })],
      });
    this.children.push(
      new Table({
        width: { size: 100, type: WidthType.PERCENTAGE },
        rows: [
          new TableRow({ tableHeader: true, children: head.map((h) => cell(h, true)) }),
          ...rows.map((r) => new TableRow({ children: r.map((c) => cell(c, false)) })),
        ],
      }),
      new Paragraph({ spacing: LINE, children: [] }),
    );
    return this;
  }

  /** A chart as a PNG image, centred, 15 cm wide. */
  image(chart: ChartImage, caption?: string): this {
    const width = 567; // px at 96 dpi ≈ 15 cm
    const height = Math.round((width * chart.height) / chart.width);
    this.children.push(
      new Paragraph({ alignment: AlignmentType.CENTER, children: [new ImageRun({ type: 'png', data: chart.png, transformation: { width, height } })] }),
    );
    if (caption) this.children.push(new Paragraph({ alignment: AlignmentType.CENTER, spacing: LINE, children: [run(caption, FONTS.body, SIZE.table)] }));
    return this;
  }

  async toBuffer(): Promise<Buffer> {
    const doc = new Document({
      creator: this.meta.issuer,
      title: this.meta.title,
      styles: { default: { document: { run: { font: { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: FONTS.body }, size: SIZE.body } } } },
      sections: [
        {
          properties: { page: { size: { width: mm(210), height: mm(297) }, margin: { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26) } } },
          children: this.children,
        },
      ],
    });
    return Packer.toBuffer(doc);
  }
}

/** "2026年7月1日" — the date as GB/T 9704 writes it (Arabic numerals). */
export function officialDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}
