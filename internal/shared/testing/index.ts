// Test helpers every package's tests share; never imported by package sources, so never bundled.
export * from './examples.js';
export * from './net.js';
export * from './workers.js';
