/**
 * The controllers (public face). To run them in-process beside the API server:
 *
 *   import { startControllerManager } from '../controllers/index.js';
 *   const cm = await startControllerManager({ client, informers });   // informers: optional shared factory
 *   …
 *   await cm.stop();
 */
export { startControllerManager, selectControllers, ALL_CONTROLLERS, type ControllerManager, type ControllerManagerConfig } from './manager.js';
export type { ControllerContext, ControllerDescriptor, ControllerOptions, RunningController } from './context.js';
export { NODE_LIFECYCLE_PRESETS, resolveNodeLifecycleTimings, type NodeLifecycleOptions, type NodeLifecycleTimings } from './node-lifecycle.js';
export { TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE } from './node-taints.js';
export { jobNameFor } from './cronjob.js';
