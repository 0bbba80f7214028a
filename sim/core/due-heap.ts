/**
 * A binary min-heap of things falling due at a simulated time: the due queues a model keeps so that a tick costs
 * what falls due, not a scan of the world. Ties go by `tie` when given, then by insertion order, so runs are
 * deterministic.
 */
export class DueHeap<T extends { at: number }> {
  private items: { item: T; seq: number }[] = [];
  private seq = 0;

  constructor(private readonly tie?: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const a = this.items;
    a.push({ item, seq: this.seq++ });
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  peek(): T | undefined {
    return this.items[0]?.item;
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(l, m)) m = l;
        if (r < a.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top?.item;
  }

  clear(): void {
    this.items = [];
  }

  private less(i: number, j: number): boolean {
    const x = this.items[i];
    const y = this.items[j];
    if (!x || !y) return false;
    if (x.item.at !== y.item.at) return x.item.at < y.item.at;
    const t = this.tie?.(x.item, y.item) ?? 0;
    return t !== 0 ? t < 0 : x.seq < y.seq;
  }

  private swap(i: number, j: number): void {
    const a = this.items;
    const x = a[i];
    const y = a[j];
    if (x && y) [a[i], a[j]] = [y, x];
  }
}
