// Samples a process tree's resident memory at a fixed interval while a measurement runs, to find
// its peak (VmHWM alone cannot be used for forking servers, whose sessions come and go).
import { treeRssKiB } from './process-tree.js';

export interface RssSampler {
  /** Stop sampling; returns the highest summed RSS seen, in KiB. */
  stop(): number;
}

export function sampleTreeRss(pid: number, intervalMs = 20): RssSampler {
  let peak = treeRssKiB(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRssKiB(pid));
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, treeRssKiB(pid));
      return peak;
    },
  };
}
