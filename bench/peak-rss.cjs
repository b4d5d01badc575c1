// Preloaded into a benchmark child (`node --require`): on exit, reports the
// process's peak RSS (all threads; RSS never shrinks, hence one child per
// case) and its CPU time on stderr, for bench/replay-memory.ts.
// The peak is VmHWM of /proc/self/status, the high-water mark of this process's
// own memory: getrusage's maxRSS also counts the parent's RSS at the fork (a
// spawned child of a 1.5 GB parent reports 1.5 GB while using 40 MB), which made
// a case run after generating a big trace in the bench process report that.
'use strict';
const { readFileSync } = require('node:fs');

function peakKb() {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux: getrusage's figure
  }
  return process.resourceUsage().maxRSS;
}

// A --require preload runs in every worker thread too (Node passes execArgv on): only the main
// thread reports, at the process's end; a worker ending first would have printed a line with the
// peak and CPU time so far, and the parent took the first line it found.
if (require('node:worker_threads').isMainThread) process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(`\nfairfit-bench peak-rss-kb=${peakKb()} cpu-ms=${Math.round((u.userCPUTime + u.systemCPUTime) / 1000)}\n`);
});
