/**
 * The base64 of a .wat source compiled by wabt with the same features and options as
 * scripts/build-wasm.mjs: what a committed <name>Wasm.ts module must hold to be up to date.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import wabtInit from 'wabt';

export async function compiledWatBase64(watPath: string): Promise<string> {
  const wabt = await wabtInit();
  const module = wabt.parseWat(basename(watPath), readFileSync(watPath, 'utf8'), { simd: true });
  module.validate();
  const { buffer } = module.toBinary({});
  module.destroy();
  return Buffer.from(buffer).toString('base64');
}
