'use client';

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export const PALETTE = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c', '#0e7490', '#4d7c0f', '#a21caf'];

export type Row = { t: number } & Record<string, number | null>;

const clock = (t: number) => new Date(t).toISOString().slice(11, 19);
const day = (t: number) => new Date(t).toISOString().slice(5, 16).replace('T', ' ');

/** One line per series over time; `span` picks the axis labels (clock time or date). */
export function TimeChart(props: { rows: Row[]; series: string[]; unit: string; height?: number; span?: 'short' | 'long'; domain?: [number, number]; label: string }) {
  const format = props.span === 'long' ? day : clock;
  return (
    <figure style={{ margin: 0 }} aria-label={props.label}>
      <ResponsiveContainer width="100%" height={props.height ?? 240}>
        <LineChart data={props.rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#e5e7eb" strokeDasharray="3 3" />
          <XAxis dataKey="t" type="number" scale="time" domain={props.domain ?? ['dataMin', 'dataMax']} tickFormatter={format} tick={{ fontSize: 11 }} minTickGap={40} />
          <YAxis tick={{ fontSize: 11 }} width={48} allowDecimals />
          <Tooltip labelFormatter={(value) => format(Number(value))} formatter={(value) => [`${Number(value).toFixed(2)} ${props.unit}`]} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {props.series.map((name, index) => (
             <Line key={name} type="linear" dataKey={name} stroke={PALETTE[index % PALETTE.length]} dot={false} isAnimationActive={false} connectNulls strokeWidth={1.8} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
