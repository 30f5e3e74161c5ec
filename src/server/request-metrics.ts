import type { Metric, Registry } from 'prom-client';

// The per-request metrics (request counter, latency histogram) without prom-client's per-call
// work: its labelled children validate and hash the label object on every `inc`/`observe`
// (~5% of the fast introspection path's CPU). Here a label set is looked up once, by its values
// joined, and a bound child (`labels()`) is a plain object whose `inc`/`observe` only add.
// Exposed exactly as prom-client's Counter and Histogram would expose them (same names, label
// order, cumulative buckets with `le` first, `_sum`, `_count`), through the same registry.

type Labels<L extends string> = Record<L, string>;
/** One line of the exposition: its own labels (a bucket's `le`) come before the series' shared ones. */
interface Value {
  labels: Record<string, string | number>;
  sharedLabels?: Record<string, string>;
  value: number;
  metricName?: string;
}
interface Exposition {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  values: Value[];
  aggregator: 'sum';
}
/** What prom-client's registry uses of a metric. */
interface Exposed {
  name: string;
  getForPromString(): Promise<Exposition>;
  get(): Promise<Exposition>;
  reset(): void;
}

const keyOf = (labels: Record<string, string>, names: readonly string[]) => names.map((n) => labels[n]).join('\0');
/** prom-client's JSON form (`get`): shared labels merged into each value's own. */
const splayed = (v: Value): Value => ({
  value: v.value,
  labels: { ...v.labels, ...v.sharedLabels },
  ...(v.metricName ? { metricName: v.metricName } : {}),
});

function register(registry: Registry, m: Exposed): void {
  // The registry only calls name, getForPromString/get, reset and reads type/help/aggregator.
  registry.registerMetric(m as unknown as Metric);
}

export interface CounterChild {
  inc(n?: number): void;
}

/** A counter with labels; `labels()` binds a label set once (keep the child: it is the cheap path). */
export class RequestCounter<L extends string> implements Exposed {
  readonly type = 'counter' as const;
  readonly aggregator = 'sum' as const;
  private children = new Map<string, { labels: Labels<L>; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly L[],
    registry: Registry,
  ) {
    register(registry, this);
  }

  labels(labels: Labels<L>): CounterChild {
    const c = this.child(labels);
    return {
      inc(n = 1) {
        c.value += n;
      },
    };
  }

  inc(labels: Labels<L>, n = 1): void {
    this.child(labels).value += n;
  }

  private child(labels: Labels<L>): { labels: Labels<L>; value: number } {
    const key = keyOf(labels, this.labelNames);
    let c = this.children.get(key);
    if (!c) {
      c = { labels: { ...labels }, value: 0 };
      this.children.set(key, c);
    }
    return c;
  }

  async getForPromString(): Promise<Exposition> {
    const values = [...this.children.values()].map((c) => ({ labels: c.labels, value: c.value }));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  async get(): Promise<Exposition> {
    return this.getForPromString();
  }

  reset(): void {
    this.children.clear();
  }
}

export interface HistogramChild {
  observe(value: number): void;
}

interface Series<L extends string> {
  labels: Labels<L>;
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  counts: Float64Array;
  sum: number;
  count: number;
}

function observeInto(s: Series<string>, bounds: readonly number[], value: number): void {
  let i = 0;
  while (i < bounds.length && value > (bounds[i] as number)) i++;
  s.counts[i] = (s.counts[i] as number) + 1;
  s.sum += value;
  s.count++;
}

/** A histogram with labels; `labels()` binds a label set once (keep the child: it is the cheap path). */
export class RequestHistogram<L extends string> implements Exposed {
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private series = new Map<string, Series<L>>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly L[],
    private readonly buckets: readonly number[],
    registry: Registry,
  ) {
    register(registry, this);
  }

  labels(labels: Labels<L>): HistogramChild {
    const s = this.seriesOf(labels);
    const bounds = this.buckets;
    return {
      observe(value) {
        observeInto(s, bounds, value);
      },
    };
  }

  observe(labels: Labels<L>, value: number): void {
    observeInto(this.seriesOf(labels), this.buckets, value);
  }

  private seriesOf(labels: Labels<L>): Series<L> {
    const key = keyOf(labels, this.labelNames);
    let s = this.series.get(key);
    if (!s) {
      s = { labels: { ...labels }, counts: new Float64Array(this.buckets.length + 1), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    return s;
  }

  async getForPromString(): Promise<Exposition> {
    const values: Value[] = [];
    for (const s of this.series.values()) {
      let acc = 0;
      this.buckets.forEach((le, i) => {
        acc += s.counts[i] as number;
        values.push({ labels: { le }, sharedLabels: s.labels, value: acc, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  async get(): Promise<Exposition> {
    const data = await this.getForPromString();
    return { ...data, values: data.values.map(splayed) };
  }

  reset(): void {
    this.series.clear();
  }
}
