import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { EventQueue, mulberry32, restartDelaySeconds, kindSystemPods } from "../../src/index.js";

describe("EventQueue", () => {
  it("pops in time order, same-time events in insertion order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (times) => {
        const q = new EventQueue<number>();
        times.forEach((t, i) => q.push(t, i));
        const out: [number, number][] = [];
        for (let e = q.pop(); e; e = q.pop()) out.push([e.t, e.payload]);
        const expected = times.map((t, i) => [t, i] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(out).toEqual(expected);
      }),
    );
  });
});

describe("mulberry32", () => {
  it("is deterministic per seed and stays in [0, 1)", () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(mulberry32(124)()).not.toBe(mulberry32(123)());
  });
});

describe("restart back-off", () => {
  it("restarts at once, then waits 10, 20, 40, 80, 160 and 300 s (cap)", () => {
    expect(Array.from({ length: 8 }, (_, i) => restartDelaySeconds(i))).toEqual([0, 10, 20, 40, 80, 160, 300, 300]);
  });
});

describe("kind kube-system pods", () => {
  it("add up to 950m / 290Mi on the control-plane node and 100m / 50Mi on each other node", () => {
    const pods = kindSystemPods(3);
    const on = (i: number) => pods.filter((p) => (p.nodeIndex ?? 0) === i);
    const sum = (ps: typeof pods) => ps.reduce((s, p) => ({ cpu: s.cpu + p.spec.requests.cpu, memory: s.memory + p.spec.requests.memory }), { cpu: 0, memory: 0 });
    expect(sum(on(0))).toEqual({ cpu: 950, memory: 290 * 1024 * 1024 });
    expect(sum(on(1))).toEqual({ cpu: 100, memory: 50 * 1024 * 1024 });
  });
});
