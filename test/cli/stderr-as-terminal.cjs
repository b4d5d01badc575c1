// Preloaded (--require) into a CLI run on pipes: stderr claims to be a terminal, so the progress bar is drawn and
// a test can wait for a point in the run ("1/2 algorithms") instead of sleeping for a time a loaded machine may not keep.
process.stderr.isTTY = true;
process.stderr.columns = 160;
