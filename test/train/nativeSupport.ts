/**
 * Shared set-up of the native-kernel tests: whether this machine can build the addon (a C
 * compiler runs), the addon when it is built, and the recurrent-kernel implementations to run
 * a test under (the WebAssembly kernels always; the native addon's, once per instruction set
 * this CPU runs, when it is built). The availability test in nativeKernels.test.ts fails when a
 * compiler exists and the addon is not built, so these lists cannot silently shrink.
 */
import { spawnSync } from 'node:child_process';
import { type NativeAddon, loadNativeAddon } from '../../src/train/internal/nativeAddon.js';
import { nativeRecurrentKernels } from '../../src/train/internal/nativeKernels.js';
import { useRecurrentKernels } from '../../src/train/internal/wholeSequence.js';

/** Whether a C compiler runs here (what scripts/build-native.mjs looks for: $CC, cc, gcc, clang). */
export function compilerAvailable(): boolean {
  return [process.env.CC, 'cc', 'gcc', 'clang'].some((c) => typeof c === 'string' && c !== '' && spawnSync(c, ['--version']).status === 0);
}

/** The built addon, or null. */
export const NATIVE_ADDON: NativeAddon | null = loadNativeAddon().addon;

/** The addon's default instruction set (restored after a test switches). */
export const DEFAULT_ISA: string | null = NATIVE_ADDON?.isa() ?? null;

/** A recurrent-kernel implementation: a label and how to install it for this thread. */
export interface RecurrentImplementation {
  readonly label: string;
  /** 'wasm', or the native instruction set. */
  readonly isa: string;
  install(): void;
}

/** The WebAssembly kernels, then the native ones per instruction set (when built). */
export function recurrentImplementations(): RecurrentImplementation[] {
  const list: RecurrentImplementation[] = [{ label: 'wasm', isa: 'wasm', install: () => useRecurrentKernels(null) }];
  const addon = NATIVE_ADDON;
  if (addon) {
    for (const isa of addon.isas()) {
      list.push({
        label: `native ${isa}`,
        isa,
        install: () => {
          addon.useIsa(isa);
          useRecurrentKernels(nativeRecurrentKernels(addon));
        },
      });
    }
  }
  return list;
}

/** Back to the defaults: WebAssembly recurrent kernels, the addon's best instruction set. */
export function restoreDefaultKernels(): void {
  useRecurrentKernels(null);
  if (NATIVE_ADDON && DEFAULT_ISA) NATIVE_ADDON.useIsa(DEFAULT_ISA);
}
