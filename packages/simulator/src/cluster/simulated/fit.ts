/**
 * Scheduler arithmetic lives in core (packages/core/src/scheduling): one implementation for
 * `check`, the planner and this simulated cluster. Re-exported so the simulator's API keeps it.
 */
export {
  balancedAllocationScore,
  DEFAULT_MEMORY_REQUEST,
  DEFAULT_MILLI_CPU_REQUEST,
  failedSchedulingMessage,
  fitErrorMessage,
  insufficientResources,
  leastAllocatedScore,
  nonZeroRequest,
  podRequest,
  resourceScore,
  scheduleOne,
  type PodResourceSpec,
  type ResourcePair,
} from "@openpolicy/core";
