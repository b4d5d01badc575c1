// Types of run-child.mjs (a plain module: the build runs it before any TypeScript is compiled).
import type { SpawnSyncOptions, SpawnSyncOptionsWithBufferEncoding, SpawnSyncOptionsWithStringEncoding, SpawnSyncReturns } from 'node:child_process';

export declare const BUILD_STEP_TIMEOUT_MS: number;
export declare const GIT_TIMEOUT_MS: number;
export declare function commandLine(command: string, args: readonly string[]): string;
export declare class ChildTimeoutError extends Error {
  constructor(command: string, args: readonly string[], timeoutMs: number, stderr?: unknown);
  readonly command: string;
  readonly args: string[];
  readonly timeoutMs: number;
}
export declare function runChild(command: string, args: readonly string[], options: SpawnSyncOptionsWithStringEncoding & { timeout: number }): SpawnSyncReturns<string>;
export declare function runChild(command: string, args: readonly string[], options: SpawnSyncOptionsWithBufferEncoding & { timeout: number }): SpawnSyncReturns<Buffer>;
export declare function runChild(command: string, args: readonly string[], options: SpawnSyncOptions & { timeout: number }): SpawnSyncReturns<string | Buffer>;
