// Preloaded into a CLI child (`node --require`) by young-generation.test.ts: at exit,
// prints the size V8's young generation (new space) has reached.
'use strict';
process.on('exit', () => {
  const s = require('node:v8').getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
  process.stderr.write(`\nnew-space-bytes=${s ? s.space_size : -1}\n`);
});
