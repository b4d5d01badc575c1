// Preloaded into a benchmark child (`node --require`): on exit, reports the
// process's peak RSS (all threads; RSS never shrinks, hence one child per
// case) and its CPU time on stderr, for bench/replay-memory.ts.
'use strict';
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(`\nfairfit-bench peak-rss-kb=${u.maxRSS} cpu-ms=${Math.round((u.userCPUTime + u.systemCPUTime) / 1000)}\n`);
});
