import { h, replace, svg, time } from './dom.js';
import type { PageContext } from './main.js';

interface Bucket {
  start: string;
  success: number;
  failure: number;
  rejected: number;
  error: number;
}
interface Overview {
  now: string;
  activeSessions: number;
  activeUsers: number;
  activeCredentialSessions: number;
  ended: { since: string; expired: number; idle_timeout: number; revoked: number; evicted: number };
  signIns: { scope: 'node'; bucketMinutes: number; buckets: Bucket[] };
}

const REFRESH_MS = 30_000;

/** Active sessions now, sign-ins over the last hour, and sessions ended by reason. */
export async function overviewPage(ctx: PageContext): Promise<void> {
  const body = h('div', { class: 'overview' });
  replace(ctx.main, h('h1', {}, 'Overview'), body);
  const draw = (o: Overview) => {
    const totals = o.signIns.buckets.reduce((t, b) => ({ ok: t.ok + b.success, bad: t.bad + b.failure + b.rejected }), { ok: 0, bad: 0 });
    replace(
      body,
      h(
        'section',
        { class: 'cards', 'aria-label': 'Now' },
        card('Active sessions', o.activeSessions, `${o.activeUsers} user${o.activeUsers === 1 ? '' : 's'}, ${o.activeCredentialSessions} API`),
        card('Sign-ins, last hour', totals.ok, 'on this node'),
        card('Failed sign-ins, last hour', totals.bad, 'wrong password, unknown name, locked, limits'),
      ),
      h('section', { class: 'panel', 'aria-labelledby': 'signins-h' }, h('h2', { id: 'signins-h' }, 'Sign-ins over the last hour'), signInChart(o.signIns)),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'ended-h' },
        h('h2', { id: 'ended-h' }, 'Sessions ended in the last hour, by reason'),
        endedChart(o.ended),
      ),
      h('p', { class: 'hint' }, 'As of ', time(o.now), '. Refreshes every 30 seconds.'),
    );
  };
  draw(await ctx.api.call<Overview>('GET', '/overview'));
  const timer = window.setInterval(() => {
    ctx.api.call<Overview>('GET', '/overview', undefined, { background: true }).then(draw, () => {});
  }, REFRESH_MS);
  ctx.onLeave(() => window.clearInterval(timer));
}

const card = (label: string, value: number, hint: string) =>
  h('div', { class: 'card' }, h('p', { class: 'card-label' }, label), h('p', { class: 'card-value' }, value.toLocaleString()), h('p', { class: 'hint' }, hint));

/** Stacked bars per 5 minutes: successes and failures; the same figures as a table for screen readers. */
function signInChart(s: Overview['signIns']): HTMLElement {
  const W = 600;
  const H = 160;
  const pad = 24;
  const max = Math.max(1, ...s.buckets.map((b) => b.success + b.failure + b.rejected + b.error));
  const bw = (W - pad) / Math.max(1, s.buckets.length);
  const y = (n: number) => ((H - pad) * n) / max;
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-labelledby': 'signins-h' });
  chart.append(svg('text', { x: 0, y: 12, class: 'axis' }, String(max)));
  s.buckets.forEach((b, i) => {
    const x = pad + i * bw + 2;
    let top = H - pad;
    for (const [k, cls] of [
      ['success', 'ok'],
      ['failure', 'bad'],
      ['rejected', 'warn'],
      ['error', 'bad'],
    ] as const) {
      const hgt = y(b[k]);
      if (hgt <= 0) continue;
      top -= hgt;
      chart.append(svg('rect', { x, y: top, width: bw - 4, height: hgt, class: cls }, svg('title', {}, `${b[k]} ${k}`)));
    }
    if (i % 3 === 0)
      chart.append(svg('text', { x, y: H - 6, class: 'axis' }, new Date(b.start).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })));
  });
  const table = h(
    'table',
    { class: 'compact' },
    h('caption', {}, `Sign-in attempts per ${s.bucketMinutes} minutes (this node)`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'From'),
        h('th', { scope: 'col' }, 'Succeeded'),
        h('th', { scope: 'col' }, 'Failed'),
        h('th', { scope: 'col' }, 'Refused'),
      ),
    ),
    h(
      'tbody',
      {},
      s.buckets.map((b) => h('tr', {}, h('td', {}, time(b.start)), h('td', {}, b.success), h('td', {}, b.failure + b.error), h('td', {}, b.rejected))),
    ),
  );
  return h(
    'div',
    {},
    chart,
    h(
      'p',
      { class: 'legend' },
      h('span', { class: 'key ok' }, 'succeeded'),
      h('span', { class: 'key bad' }, 'failed'),
      h('span', { class: 'key warn' }, 'refused (locked, limit)'),
    ),
    h('details', {}, h('summary', {}, 'Show as a table'), table),
  );
}

/** Horizontal bars, one per reason, labelled with their counts. */
function endedChart(e: Overview['ended']): HTMLElement {
  const rows = [
    ['Expired (lifetime)', e.expired],
    ['Idle timeout', e.idle_timeout],
    ['Revoked', e.revoked],
    ['Evicted (limit)', e.evicted],
  ] as const;
  const max = Math.max(1, ...rows.map(([, n]) => n));
  return h(
    'ul',
    { class: 'bars' },
    rows.map(([label, n]) =>
      h(
        'li',
        {},
        h('span', { class: 'bar-label' }, label),
        h('span', { class: 'bar-track', 'aria-hidden': 'true' }, barFill(n / max)),
        h('span', { class: 'bar-value' }, n.toLocaleString()),
      ),
    ),
  );
}

/** A bar as SVG (the CSP allows no inline style attributes). */
function barFill(ratio: number): SVGElement {
  const s = svg('svg', { viewBox: '0 0 100 10', preserveAspectRatio: 'none', class: 'bar-svg' });
  s.append(svg('rect', { x: 0, y: 0, width: Math.max(ratio * 100, ratio > 0 ? 1 : 0), height: 10, class: 'ok' }));
  return s;
}
