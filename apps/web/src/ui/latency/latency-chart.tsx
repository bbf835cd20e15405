// The latency dashboard's time charts, drawn with visx (docs/dependencies.md): d3 scales and shapes as plain React
// SVG elements, computed from props with no effects or measuring, so the same markup renders on the server and in
// the browser. A fixed viewBox scales the chart to its container (375 px phones included); colours come from CSS
// variables, so it follows the light/dark theme.
import type { LatencyPoint } from '@sankey/shared/api/views';
import { AxisBottom, AxisLeft } from '@visx/axis';
import { Group } from '@visx/group';
import { scaleLinear, scaleTime } from '@visx/scale';
import { LinePath } from '@visx/shape';

// Drawn at about the width it gets on a phone (375 px) and half a desktop, so labels stay readable at both.
const W = 480;
const H = 200;
const M = { top: 12, right: 16, bottom: 28, left: 60 };

export type Series = {
  key: string;
  label: string;
  pick: (p: LatencyPoint) => number | null;
};

type Props = {
  points: readonly LatencyPoint[];
  series: readonly Series[];
  /** What the chart shows, in words (the SVG's accessible name and the caption). */
  label: string;
  /** Said inside the plot when no series has a value yet. */
  empty: string;
  unit: (v: number) => string;
  testId: string;
};

const two = (n: number) => String(n).padStart(2, '0');
const clock = (d: Date | { valueOf(): number }) => {
  const t = new Date(d.valueOf());
  return `${two(t.getHours())}:${two(t.getMinutes())}`;
};

export function TimeChart({ points, series, label, empty, unit, testId }: Props) {
  const times = points.map((p) => Date.parse(p.at));
  const values = points.flatMap((p) => series.map((s) => s.pick(p)).filter((v): v is number => v !== null));
  const hasData = values.length > 0;
  const innerW = W - M.left - M.right;
  const innerH = H - M.top - M.bottom;
  const first = times[0] ?? 0;
  const last = times[times.length - 1] ?? first;
  const x = scaleTime({
    domain: [new Date(first), new Date(last === first ? first + 60_000 : last)],
    range: [0, innerW],
  });
  const y = scaleLinear({ domain: [0, Math.max(...values, 0) || 1], range: [innerH, 0], nice: true });
  return (
    <figure className="chart" data-testid={testId}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        <Group left={M.left} top={M.top}>
          <AxisLeft
            scale={y}
            numTicks={4}
            tickFormat={(v) => unit(Number(v))}
            axisLineClassName="chart-axis"
            tickClassName="chart-tick"
            tickLabelProps={{ className: 'chart-label', textAnchor: 'end', dx: -4, dy: 3 }}
          />
          <AxisBottom
            top={innerH}
            scale={x}
            numTicks={5}
            tickFormat={(d) => clock(d)}
            axisLineClassName="chart-axis"
            tickClassName="chart-tick"
            tickLabelProps={{ className: 'chart-label', textAnchor: 'middle' }}
          />
          {hasData ? (
            series.map((s) => (
              <g key={s.key}>
                <LinePath<LatencyPoint>
                  data={[...points]}
                  x={(p) => x(new Date(Date.parse(p.at)))}
                  y={(p) => y(s.pick(p) ?? 0)}
                  defined={(p) => s.pick(p) !== null}
                  className={`chart-line chart-${s.key}`}
                />
                {/* A sample with no neighbour draws no line: a dot shows it. */}
                {points.map((p, i) => {
                  const val = s.pick(p);
                  const near = (j: number) => {
                    const q = points[j];
                    return q !== undefined && s.pick(q) !== null;
                  };
                  return val === null || near(i - 1) || near(i + 1) ? null : (
                    <circle
                      key={p.at}
                      cx={x(new Date(Date.parse(p.at)))}
                      cy={y(val)}
                      r={3}
                      className={`chart-dot chart-${s.key}`}
                    />
                  );
                })}
              </g>
            ))
          ) : (
            <text x={innerW / 2} y={innerH / 2} textAnchor="middle" className="chart-label chart-empty">
              {empty}
            </text>
          )}
        </Group>
      </svg>
      <figcaption className="muted small">
        {label} ·{' '}
        {series.map((s) => (
          <span key={s.key} className={`legend legend-${s.key}`}>
            {s.label}{' '}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
