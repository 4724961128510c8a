// Imported first by main.ts, so it runs before every other module of the
// bundle: the launch benchmark reads the time the bundle started to run (the
// 'script' mark is set once every module has run).
performance.mark('startup:modules');
