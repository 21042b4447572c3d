/**
 * Tiny SVG charts for the benchmark reports (no chart library): a line chart with min–max error bars
 * and a grouped bar chart with error bars. Output is a standalone SVG document (viewable in a browser
 * and in GitHub's Markdown).
 *
 *   writeFileSync("bench/x.svg", lineChart({ title, xLabel, yLabel, series }));
 */

/** One measured point: a median and the spread of the runs around it. */
export interface Point {
  readonly x: number;
  readonly y: number;
  readonly lo?: number;
  readonly hi?: number;
}

/** A named line (or bar group member) and its colour. */
export interface Series {
  readonly name: string;
  readonly points: readonly Point[];
  readonly color?: string;
  /** Dashed, without markers (e.g. an ideal line). */
  readonly dashed?: boolean;
}

/** What a chart shows. */
export interface ChartSpec {
  readonly title: string;
  readonly subtitle?: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** Bar charts: the label of each x value (the points' x are indices into it). */
  readonly categories?: readonly string[];
}

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { top: 64, right: 190, bottom: 56, left: 70 };
const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];
const FONT = 'font-family="system-ui, sans-serif"';

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A "nice" step for about `count` ticks over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw || 1));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 2.5 ? 2.5 : unit <= 5 ? 5 : 10) * power;
}

function frame(spec: ChartSpec, yMax: number, body: string[], xTicks: string[]): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const step = niceStep(yMax, 5);
  const top = Math.ceil(yMax / step) * step || 1;
  const y = (v: number): number => MARGIN.top + plotH - (v / top) * plotH;
  const grid: string[] = [];
  for (let v = 0; v <= top + step / 2; v += step) {
    grid.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 8}" y="${y(v) + 4}" text-anchor="end" font-size="12" ${FONT}>${Number(v.toFixed(3))}</text>`,
    );
  }
  const legend = spec.series.map((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const ly = MARGIN.top + 10 + i * 22;
    const lx = WIDTH - MARGIN.right + 16;
    return (
      `<line x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="3"` +
      `${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>` +
      `<text x="${lx + 28}" y="${ly + 4}" font-size="12" ${FONT}>${escape(s.name)}</text>`
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${MARGIN.left}" y="26" font-size="16" font-weight="bold" ${FONT}>${escape(spec.title)}</text>`,
    spec.subtitle ? `<text x="${MARGIN.left}" y="46" font-size="12" fill="#555" ${FONT}>${escape(spec.subtitle)}</text>` : "",
    ...grid,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#333"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}" stroke="#333"/>`,
    ...xTicks,
    ...body.map((b) => b.replace(/\{Y:([0-9.e+-]+)\}/g, (_, v: string) => String(y(Number(v))))),
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 14}" text-anchor="middle" font-size="13" ${FONT}>${escape(spec.xLabel)}</text>`,
    `<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="13" ${FONT}>${escape(spec.yLabel)}</text>`,
    ...legend,
    "</svg>",
    "",
  ].join("\n");
}

function yMaxOf(spec: ChartSpec): number {
  return Math.max(1e-9, ...spec.series.flatMap((s) => s.points.map((p) => Math.max(p.y, p.hi ?? p.y)))) * 1.1;
}

/** A line chart over numeric x values, with min–max whiskers where points have them. */
export function lineChart(spec: ChartSpec): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const xs = [...new Set(spec.series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const xMin = Math.min(0, ...xs);
  const xMax = Math.max(...xs, 1);
  const x = (v: number): number => MARGIN.left + ((v - xMin) / (xMax - xMin || 1)) * plotW;
  const xTicks = xs.map(
    (v) =>
      `<text x="${x(v)}" y="${MARGIN.top + plotH + 18}" text-anchor="middle" font-size="12" ${FONT}>${v}</text>`,
  );
  const body: string[] = [];
  spec.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const path = s.points.map((p, j) => `${j === 0 ? "M" : "L"}${x(p.x)} {Y:${p.y}}`).join(" ");
    body.push(
      `<path d="${path}" fill="none" stroke="${color}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`,
    );
    if (s.dashed) return;
    for (const p of s.points) {
      if (p.lo !== undefined && p.hi !== undefined) {
        body.push(
          `<line x1="${x(p.x)}" x2="${x(p.x)}" y1="{Y:${p.lo}}" y2="{Y:${p.hi}}" stroke="${color}" stroke-width="1.5"/>`,
          `<line x1="${x(p.x) - 5}" x2="${x(p.x) + 5}" y1="{Y:${p.lo}}" y2="{Y:${p.lo}}" stroke="${color}"/>`,
          `<line x1="${x(p.x) - 5}" x2="${x(p.x) + 5}" y1="{Y:${p.hi}}" y2="{Y:${p.hi}}" stroke="${color}"/>`,
        );
      }
      body.push(`<circle cx="${x(p.x)}" cy="{Y:${p.y}}" r="4" fill="${color}"><title>${escape(s.name)}: ${p.y}</title></circle>`);
    }
  });
  return frame(spec, yMaxOf(spec), body, xTicks);
}

/** A grouped bar chart: one group per category (point x = category index), one bar per series. */
export function barChart(spec: ChartSpec): string {
  const categories = spec.categories ?? [];
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const groupW = plotW / Math.max(1, categories.length);
  const barW = (groupW * 0.7) / Math.max(1, spec.series.length);
  const xTicks = categories.map(
    (c, i) =>
      `<text x="${MARGIN.left + groupW * (i + 0.5)}" y="${MARGIN.top + plotH + 18}" text-anchor="middle" font-size="12" ${FONT}>${escape(c)}</text>`,
  );
  const body: string[] = [];
  spec.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    for (const p of s.points) {
      const left = MARGIN.left + groupW * p.x + groupW * 0.15 + barW * i;
      const v = Math.max(0, p.y); // a noisy negative median is drawn as no bar (its value is in the tooltip)
      body.push(
        `<rect x="${left}" y="{Y:${v}}" width="${barW - 2}" height="{H:${v}}" fill="${color}"><title>${escape(s.name)}: ${p.y}</title></rect>`,
      );
      if (p.lo !== undefined && p.hi !== undefined) {
        const mid = left + (barW - 2) / 2;
        body.push(
          `<line x1="${mid}" x2="${mid}" y1="{Y:${p.lo}}" y2="{Y:${p.hi}}" stroke="#222" stroke-width="1.5"/>`,
          `<line x1="${mid - 4}" x2="${mid + 4}" y1="{Y:${p.lo}}" y2="{Y:${p.lo}}" stroke="#222"/>`,
          `<line x1="${mid - 4}" x2="${mid + 4}" y1="{Y:${p.hi}}" y2="{Y:${p.hi}}" stroke="#222"/>`,
        );
      }
    }
  });
  const yMax = yMaxOf(spec);
  const step = niceStep(yMax, 5);
  const top = Math.ceil(yMax / step) * step || 1;
  const withHeights = body.map((b) => b.replace(/\{H:([0-9.e+-]+)\}/g, (_, v: string) => String((Number(v) / top) * plotH)));
  return frame(spec, yMax, withHeights, xTicks);
}
