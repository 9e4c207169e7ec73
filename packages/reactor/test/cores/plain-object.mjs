// A default export that looks like a core but was not made by defineCore().
export default { onMessage() {} };
