// Types of build-state.mjs (a plain module: the build runs it before any TypeScript is compiled).
export declare const ROOT: string;
export declare const STAMP: string;
export declare function buildState(): { hash: string; current: boolean };
