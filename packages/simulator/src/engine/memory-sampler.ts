/** The rollout's memory series (requests, usage, allocatable over all nodes), bounded in length. */
import type { NodeStatus } from "../cluster/cluster.js";
import type { MemorySample } from "./result.js";

export class MemorySampler {
  readonly samples: MemorySample[] = [];
  private every: number;
  /** Cluster time of the next periodic sample. */
  nextAt: number;

  constructor(
    private readonly startT: number,
    everySeconds: number,
    private readonly maxSamples: number,
  ) {
    this.every = everySeconds;
    this.nextAt = startT;
  }

  /** Samples now when due (or `force`); the series halves its resolution past `maxSamples`. */
  sample(nodes: readonly NodeStatus[], now: number, force: boolean): void {
    if (!force && now < this.nextAt) return;
    const t = now - this.startT;
    const last = this.samples[this.samples.length - 1];
    const sample: MemorySample = { t, requestedBytes: 0, usedBytes: 0, allocatableBytes: 0 };
    for (const node of nodes) {
      sample.requestedBytes += node.requested.memory;
      sample.usedBytes += node.used.memory;
      sample.allocatableBytes += node.allocatable.memory;
    }
    if (last && last.t === t) this.samples[this.samples.length - 1] = sample;
    else this.samples.push(sample);
    if (this.samples.length > this.maxSamples) {
      let j = 0;
      for (let i = 0; i < this.samples.length; i += 2) this.samples[j++] = this.samples[i]!;
      this.samples.length = j;
      this.every *= 2;
    }
    this.nextAt = now + this.every;
  }
}
