/**
 * Block ranges read in spans (internal): `[from, to]` cut into spans of `span` blocks, read by at most
 * `concurrency` calls at a time, results in chain order. Providers cap the range of an `eth_getLogs`
 * call, and firing every span of a long range at once floods them.
 */
export async function inSpans<T>(from: number, to: number, span: number, concurrency: number, read: (start: number, end: number) => Promise<T[]>): Promise<T[]> {
  const spans: [number, number][] = [];
  for (let a = from; a <= to; a += span) spans.push([a, Math.min(to, a + span - 1)]);
  const out: T[][] = new Array(spans.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < spans.length) {
      const i = next++;
      out[i] = await read(...spans[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, spans.length) }, worker));
  return out.flat();
}
