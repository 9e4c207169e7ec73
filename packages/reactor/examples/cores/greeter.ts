import { defineCore } from '@corelane/reactor';

// Each login reads the greeting from ctx.shared (no message to anyone), and records in the
// shared index which core owns the user and how often they logged in.
export default defineCore({
  onMessage(ctx, key) {
    const user = String(key);
    const greeting = ctx.shared.getString('config:greeting');
    ctx.shared.setNumber(`index:${user}`, ctx.core);
    ctx.shared.addNumber(`logins:${user}`, 1);
    return `${greeting}, ${user}`;
  },
});
