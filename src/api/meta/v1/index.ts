export * from './object-meta.js';
export * from './label-selector.js';
export * from './condition.js';
