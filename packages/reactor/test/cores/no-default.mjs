// A module without a default export: Runtime.start must refuse it before any worker starts.
export const notACore = true;
