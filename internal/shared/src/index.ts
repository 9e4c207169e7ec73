export * from './atomics.js';
export * from './capability.js';
export * from './deprecation.js';
export * from './errors.js';
export * from './layout.js';
export * from './native-loader.js';
export * from './validate.js';
export * from './view-cache.js';
