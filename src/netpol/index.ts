export { compileRuleset, rulesetScript, deleteTableScript, type CompileInput, type CompiledRuleset } from './compile.js';
export { startNetworkPolicyController, type NetworkPolicyController, type NetworkPolicyControllerConfig } from './controller.js';
export { netpolTable, netpolNodeTable, enforcementProblem } from './host.js';
export { networkPolicySetting, startNodeNetworkPolicy, type NetworkPolicySetting } from './node.js';
