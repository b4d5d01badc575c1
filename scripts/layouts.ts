/**
 * Renders every layout described in TypeScript (structs, enumerations,
 * constants shared with the WebAssembly core) as `assembly/layouts.ts`.
 * Run `npm run layouts` after changing a description; `test/wasm/layouts.test.ts`
 * fails while the committed file is not the current rendering.
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COLUMN_ELEMENT, COLUMN_TYPE, CSV_FIELD, CSV_SCAN, CSV_STATUS, GINI, GINI_TRACK, MATCHER, MISS_MEMO, PLACE_ALL, PRIORITY_PARAMS, RNG_STATE, TASK_SIZE } from '../src/kernels/kernel-layouts.ts';
import { REPLAY_LAYOUTS } from '../src/systems/giantvm/replay-layouts.ts';
import { ENGINE_LAYOUTS } from '../src/systems/iptas/engine-layouts.ts';
import { CRS_LAYOUTS } from '../src/systems/crs/crs-layouts.ts';
import { DOCKLET_LAYOUTS } from '../src/systems/docklet/docklet-layouts.ts';
import { renderAssembly, type Layout } from '../src/wasm/layout.ts';

/** Every description, in the order of the rendered file. */
export const LAYOUTS: readonly Layout[] = [MATCHER, MISS_MEMO, TASK_SIZE, PLACE_ALL, PRIORITY_PARAMS, GINI, GINI_TRACK, RNG_STATE, CSV_SCAN, CSV_FIELD, CSV_STATUS, COLUMN_TYPE, COLUMN_ELEMENT, ...REPLAY_LAYOUTS, ...ENGINE_LAYOUTS, ...CRS_LAYOUTS, ...DOCKLET_LAYOUTS] as readonly Layout[];

/** Where the rendering goes. */
export const ASSEMBLY_LAYOUTS = fileURLToPath(new URL('../assembly/layouts.ts', import.meta.url));

/** The text of `assembly/layouts.ts`. */
export function renderLayouts(): string {
  const head = [
    '// Memory layouts, enumerations and constants shared with TypeScript.',
    '// Rendered by scripts/layouts.ts from the descriptions in src/kernels/kernel-layouts.ts,',
    '// src/systems/giantvm/replay-layouts.ts, src/systems/iptas/engine-layouts.ts, src/systems/crs/crs-layouts.ts',
    '// and src/systems/docklet/docklet-layouts.ts:',
    '// edit those, then run `npm run layouts`.',
    '// Struct fields are byte offsets: load<T>(ptr, Struct.field).',
  ].join('\n');
  return `${head}\n\n${LAYOUTS.map(renderAssembly).join('\n\n')}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(ASSEMBLY_LAYOUTS, renderLayouts());
  process.stdout.write(`wrote ${ASSEMBLY_LAYOUTS}\n`);
}
