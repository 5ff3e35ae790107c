/** Simulated nodes (kwok-like): registration, heartbeats and data-driven pod lifecycles. */
export { startSim, simNode, mapLimit, type StartSimOptions, type RunningSim, type SimNodeTemplate } from './sim-nodes.js';
export { StageEngine, type StageEngineConfig } from './engine.js';
export { defaultPodStages, defaultNodeStages, stageMatches, firstMatchingStage, renderTemplate, type Stage, type FieldRequirement } from './stages.js';
export { NodeIpPool, blockSize } from './ip-pool.js';
