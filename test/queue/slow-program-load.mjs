// `node --import ./slow-program-load.mjs dist/cli/main.js …`: holds the load of the CLI's program.js for 2 s,
// saying when on stderr, so a test can signal the process while it loads its modules, whatever the machine's speed.
import { register } from 'node:module';
import { writeSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

// Registered from the main thread; the hooks below run on Node's loader thread.
if (isMainThread) register(import.meta.url);

export async function load(url, context, next) {
  if (url.endsWith('/dist/cli/program.js')) {
    writeSync(2, 'slow-program-load: holding program.js\n');
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  return next(url, context);
}
