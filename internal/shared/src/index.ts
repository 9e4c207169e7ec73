export * from './errors.js';
export * from './validate.js';
export * from './native-loader.js';
