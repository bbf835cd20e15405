// A small SVG line chart of p50/p99 over time. Plain SVG from props (no effects, no measuring), so it renders the
// same on the server and in the browser and scales with its container via viewBox.
import type { LatencyPoint } from '@sankey/shared/api/views';

const W = 600;
const H = 160;
const PAD = 28;

function path(points: readonly LatencyPoint[], pick: (p: LatencyPoint) => number | null, max: number) {
  const step = points.length > 1 ? (W - PAD * 2) / (points.length - 1) : 0;
  let d = '';
  let pen = false;
  points.forEach((p, i) => {
    const v = pick(p);
    if (v === null) {
      pen = false;
      return;
    }
    const x = PAD + i * step;
    const y = H - PAD - (v / max) * (H - PAD * 2);
    d += `${pen ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)} `;
    pen = true;
  });
  return d.trim();
}

export function LatencyChart({ points, label }: { points: readonly LatencyPoint[]; label: string }) {
  const max = Math.max(0.01, ...points.map((p) => p.p99Ms ?? p.p50Ms ?? 0));
  return (
    <figure className="chart" data-testid="latency-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} preserveAspectRatio="none">
        <line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} className="chart-axis" />
        <line x1={PAD} y1={PAD} x2={PAD} y2={H - PAD} className="chart-axis" />
        <text x={PAD - 4} y={PAD + 4} textAnchor="end" className="chart-label">
          {max.toFixed(2)}
        </text>
        <text x={PAD - 4} y={H - PAD} textAnchor="end" className="chart-label">
          0
        </text>
        <path d={path(points, (p) => p.p99Ms, max)} className="chart-line chart-p99" />
        <path d={path(points, (p) => p.p50Ms, max)} className="chart-line chart-p50" />
      </svg>
      <figcaption className="muted small">
        {label} · <span className="legend legend-p50">p50</span>{' '}
        <span className="legend legend-p99">p99</span>
      </figcaption>
    </figure>
  );
}
