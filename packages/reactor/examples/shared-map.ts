import { SharedMap } from '@corelane/lockfree';
import { Runtime } from '@corelane/reactor';

// One map in shared memory that every core reads and writes without a message: here a setting
// the main thread changes live, and a global index the cores fill and the main thread reads.
const shared = SharedMap.create({ capacity: 1024 });
shared.setString('config:greeting', 'hello');
const runtime = await Runtime.start({ cores: 2, module: new URL('./cores/greeter.ts', import.meta.url), shared });
const users = ['ada', 'alan', 'grace'];
for (const user of users) await runtime.request(user, { op: 'login' });
shared.setString('config:greeting', 'welcome back'); // every core sees it at its next read
console.log(await runtime.request('ada', { op: 'login' }));
for (const user of users) {
  console.log(`${user}: core ${shared.getNumber(`index:${user}`)}, ${shared.getNumber(`logins:${user}`)} login(s)`);
}
await runtime.stop();
shared.close();
