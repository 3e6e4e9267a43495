// A time-series chart drawn as SVG by hand: an area under a line over the window's buckets, the
// baseline and a dashed peak line. It stretches to its card (no aspect ratio), so its labels are
// HTML beside it, not SVG text. Colours come from the stylesheet (classes), so the CSP needs no
// inline style. The picture is described for screen readers by its caller (aria-label).

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 300;
const HEIGHT = 84;
const TOP = 6;
const BOTTOM = 2;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string>): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

export function createChartSvg(label: string): SVGSVGElement {
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': label });
  root.setAttribute('focusable', 'false');
  return root;
}

/** Draws `values` (per-second rates, oldest first) into `root`, replacing what was there. */
export function drawSeries(root: SVGSVGElement, values: readonly number[], label: string): void {
  const peak = Math.max(0, ...values);
  const scale = peak > 0 ? (HEIGHT - TOP - BOTTOM) / peak : 0;
  const step = values.length > 1 ? WIDTH / (values.length - 1) : WIDTH;
  const base = HEIGHT - BOTTOM;
  const points = values.map((value, i) => `${(i * step).toFixed(1)},${(base - value * scale).toFixed(1)}`);
  const line = points.length > 0 ? `M${points.join('L')}` : '';
  const area = points.length > 0 ? `${line}L${WIDTH},${base}L0,${base}Z` : '';
  root.setAttribute('aria-label', label);
  root.replaceChildren(
    svg('line', { class: 'axis', x1: '0', y1: String(base), x2: String(WIDTH), y2: String(base), 'vector-effect': 'non-scaling-stroke' }),
    svg('line', { class: 'axis', x1: '0', y1: String(TOP), x2: String(WIDTH), y2: String(TOP), 'stroke-dasharray': '3 4', 'vector-effect': 'non-scaling-stroke' }),
    svg('path', { class: 'area', d: area }),
    svg('path', { class: 'line', d: line, 'vector-effect': 'non-scaling-stroke' }),
  );
}
