import * as echarts from 'echarts/dist/echarts.esm.min.mjs';

/**
 * SVG charts drawn at build time by Apache ECharts' server-side renderer (`ssr: true`,
 * `renderToSVGString`): no browser, no DOM, no JavaScript in the page. Colours that must follow the
 * page's light/dark theme are drawn in sentinel colours that page.css repaints (a CSS rule beats an
 * SVG presentation attribute), so one SVG serves both themes and print.
 */

/** Axis of a chart. `nines`: x = log10(1 / (1 − p)), labelled as percentiles (p90, p99, p99.9). */
export interface ChartAxis {
  name: string;
  scale: 'value' | 'log' | 'nines';
  format: (v: number) => string;
  min?: number;
  max?: number;
}

export interface ChartSeries {
  name: string;
  /** [x, y]; y null leaves a gap. */
  points: Array<[number, number | null]>;
  /** Draw as steps (an empirical distribution function). */
  step?: boolean;
}

export interface ChartSpec {
  /** Unique within the page: prefixes the SVG's internal ids. */
  id: string;
  x: ChartAxis;
  y: ChartAxis;
  series: ChartSeries[];
  /** Bar chart over these categories instead of a value x axis (series points are [category index, y]). */
  categories?: string[];
  /** Vertical lines at x (timeline events). */
  markers?: Array<{ x: number; label: string }>;
  widthPx?: number;
  heightPx?: number;
}

/** Series colours, readable on white and on near-black, and apart for the common colour-blindnesses (Okabe–Ito). */
export const SERIES_COLORS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#7f7f7f'] as const;
/** Repainted by page.css: axis text and titles. */
export const TEXT_SENTINEL = '#525252';
/** Repainted by page.css: grid lines. */
export const GRID_SENTINEL = '#d4d4d4';
const MARKER_COLOR = '#c0392b';

/** The SVG of one chart, deterministic for equal specs. */
export function chartSvg(spec: ChartSpec): string {
  const width = spec.widthPx ?? 760;
  const height = spec.heightPx ?? 300;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(chartOption(spec) as echarts.EChartsCoreOption);
    const svg = chart.renderToSVGString();
    return renumberIds(svg, spec.id);
  } finally {
    chart.dispose();
  }
}

function axisOption(a: ChartAxis, which: 'x' | 'y'): Record<string, unknown> {
  return {
    type: a.scale === 'log' ? 'log' : 'value',
    name: a.name,
    nameLocation: 'middle',
    nameGap: which === 'x' ? 30 : 56,
    nameTextStyle: { color: TEXT_SENTINEL, fontSize: 13 },
    ...(a.min !== undefined ? { min: a.min } : {}),
    ...(a.max !== undefined ? { max: a.max } : {}),
    ...(a.scale === 'nines' ? { interval: 1 } : {}),
    // Without a set minimum, fit the data rather than stretch the axis down to zero.
    ...(a.min === undefined && a.scale === 'value' ? { scale: true } : {}),
    axisLabel: { color: TEXT_SENTINEL, formatter: (v: number) => a.format(v), hideOverlap: true },
    axisLine: { show: true, lineStyle: { color: TEXT_SENTINEL } },
    splitLine: { show: true, lineStyle: { color: GRID_SENTINEL } },
  };
}

function chartOption(spec: ChartSpec): Record<string, unknown> {
  const legend = spec.series.length > 1;
  const markers = spec.markers ?? [];
  return {
    animation: false,
    color: [...SERIES_COLORS],
    textStyle: { fontFamily: 'system-ui, sans-serif' },
    grid: { left: 72, right: 24, top: legend ? 40 : 24, bottom: 48, containLabel: false },
    ...(legend ? { legend: { top: 4, textStyle: { color: TEXT_SENTINEL }, itemWidth: 18 } } : {}),
    xAxis: spec.categories !== undefined ? { ...axisOption(spec.x, 'x'), type: 'category', data: spec.categories, axisLabel: { color: TEXT_SENTINEL, interval: 0 } } : axisOption(spec.x, 'x'),
    yAxis: axisOption(spec.y, 'y'),
    series: spec.series.map((s, i) => ({
      type: spec.categories !== undefined ? 'bar' : 'line',
      name: s.name,
      data: spec.categories !== undefined ? s.points.map((p) => p[1]) : s.points,
      showSymbol: s.points.length <= 12,
      symbolSize: 5,
      connectNulls: false,
      ...(s.step === true ? { step: 'end' } : {}),
      lineStyle: { width: 2, type: i === 0 ? 'solid' : i % 2 === 1 ? 'dashed' : 'dotted' },
      ...(i === 0 && markers.length > 0
        ? {
            markLine: {
              symbol: 'none',
              silent: true,
              lineStyle: { color: MARKER_COLOR, type: 'dashed', width: 1.5 },
              label: { color: MARKER_COLOR, formatter: '{b}', position: 'insideEndTop', textBorderWidth: 0 },
              data: markers.map((m) => ({ name: m.label, xAxis: m.x })),
            },
          }
        : {}),
    })),
  };
}

/**
 * zrender numbers its instances and its CSS classes process-wide (`zr3-cls-41`): renamed after the
 * chart and numbered in order of appearance, so the page is the same bytes however many charts the
 * process drew before, and ids stay unique within a page.
 */
export function renumberIds(svg: string, id: string): string {
  const seen = new Map<string, string>();
  const perKind = new Map<string, number>();
  return svg.replace(/\bzr\d+-([a-z]+-?)(\d+)/g, (token, kind: string) => {
    let name = seen.get(token);
    if (name === undefined) {
      const n = perKind.get(kind) ?? 0;
      perKind.set(kind, n + 1);
      name = `${id}-${kind}${n}`;
      seen.set(token, name);
    }
    return name;
  });
}
