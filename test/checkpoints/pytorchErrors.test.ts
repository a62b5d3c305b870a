/**
 * Bad PyTorch checkpoints: every one is a CheckpointError whose message names the file, the
 * tensor or part of the file, what was expected and what was found. Inputs are the fixtures of
 * test/fixtures/checkpoints/generate_pytorch.py, truncated or patched byte by byte here.
 */
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../../src/checkpoints/errors.js';
import { openZip } from '../../src/checkpoints/internal/zip.js';
import { pytorchLayers } from '../../src/checkpoints/pytorch.js';
import { readSafetensors } from '../../src/checkpoints/safetensors.js';
import { readTorchZip } from '../../src/checkpoints/torchZip.js';
import { assemble, expectCheckpointError, fixture, indexOf, replaceAll, rewriteHeader, splitSafetensors } from './torchFixtures.js';

const ST = 'gru2.safetensors', PT = 'gru2.pt';

describe('readSafetensors: truncated files', () => {
  const bytes = fixture(ST);
  const { header, headerLength } = splitSafetensors(bytes);
  const dataStart = 8 + headerLength;

  it('every prefix shorter than 8 bytes: the header length itself is cut', () => {
    for (let n = 0; n < 8; n++) expectCheckpointError(() => readSafetensors(bytes.subarray(0, n), ST), ST, 'header', /8-byte/, new RegExp(`${n}-byte file`));
  });

  it('every prefix cutting the JSON header: "expected N bytes of JSON header"', () => {
    for (let n = 8; n < dataStart; n++) {
      expectCheckpointError(() => readSafetensors(bytes.subarray(0, n), ST), ST, 'header', new RegExp(`expected ${headerLength} bytes of JSON header`), new RegExp(`found ${n - 8}`));
    }
  });

  it('every prefix cutting the data: the tensor that no longer fits is named', () => {
    const last = Object.entries(header).filter(([k]) => k !== '__metadata__').sort((a, b) => b[1].data_offsets[1] - a[1].data_offsets[1]);
    for (let n = dataStart; n < bytes.length; n++) {
      const err = expectCheckpointError(() => readSafetensors(bytes.subarray(0, n), ST), ST, /^tensor /, /within the \d+-byte data buffer/, /truncated/);
      // the first tensor (in header order) whose end lies beyond the cut
      const name = err.where.slice('tensor '.length);
      expect(header[name].data_offsets[1]).toBeGreaterThan(n - dataStart);
      expect(last.some(([k]) => k === name)).toBe(true);
    }
  });
});

describe('readSafetensors: corrupted headers', () => {
  const bytes = fixture(ST);

  it('invalid JSON (a brace overwritten), a non-object, bad UTF-8', () => {
    const broken = bytes.slice();
    broken[8] = 0x5b; // '{' -> '['
    expectCheckpointError(() => readSafetensors(broken, ST), ST, 'header', /JSON/, /invalid JSON/);
    const quote = bytes.slice();
    quote[indexOf(quote, '"dtype"') + 3] = 0x22; // an extra quote inside a key
    expectCheckpointError(() => readSafetensors(quote, ST), ST, 'header', /invalid JSON/);
    expectCheckpointError(() => readSafetensors(assemble([1, 2], new Uint8Array()), ST), ST, 'header', /JSON object/, /an array/);
    const utf8 = bytes.slice();
    utf8[12] = 0xff;
    expectCheckpointError(() => readSafetensors(utf8, ST), ST, 'header', /UTF-8/);
    expectCheckpointError(() => readSafetensors(rewriteHeader(bytes, (h) => { h.__metadata__ = { format: 3 }; }), ST), ST, 'header', /__metadata__/, /"format":3/);
  });

  it('offsets out of range, reversed, overlapping; wrong byte length; bad shape entries', () => {
    const { data } = splitSafetensors(bytes);
    const edit = (f: (h: Record<string, any>) => void) => rewriteHeader(bytes, f);
    expectCheckpointError(() => readSafetensors(edit((h) => { h.weight_hh_l1.data_offsets = [data.length - 4, data.length + 764]; }), ST),
      ST, 'tensor weight_hh_l1', new RegExp(`within the ${data.length}-byte data buffer`), new RegExp(`\\[${data.length - 4}, ${data.length + 764}\\]`));
    expectCheckpointError(() => readSafetensors(edit((h) => { h.bias_ih_l0.data_offsets = [96, 0]; }), ST), ST, 'tensor bias_ih_l0', /begin <= end/, /\[96, 0\]/);
    expectCheckpointError(() => readSafetensors(edit((h) => { h.bias_ih_l0.data_offsets = [-96, 0]; }), ST), ST, 'tensor bias_ih_l0', /non-negative integers/, /-96/);
    expectCheckpointError(() => readSafetensors(edit((h) => { h.bias_hh_l1.data_offsets = h.bias_hh_l0.data_offsets; }), ST), ST,
      /^tensor bias_hh_l[01]$/, /not overlapping tensor bias_hh_l[01]/);
    expectCheckpointError(() => readSafetensors(edit((h) => { h.weight_hh_l0.shape = [24, 9]; }), ST), ST, 'tensor weight_hh_l0', /expected 864 bytes \(shape \[24, 9\] x 4 bytes per F32\)/, /found 768/);
    expectCheckpointError(() => readSafetensors(edit((h) => { h.weight_hh_l0.shape = [24, -8]; }), ST), ST, 'tensor weight_hh_l0', /non-negative integers/, /\[24,-8\]/);
    expectCheckpointError(() => readSafetensors(edit((h) => { h.weight_hh_l0.shape = [24, 8.5]; }), ST), ST, 'tensor weight_hh_l0', /non-negative integers/);
    expectCheckpointError(() => readSafetensors(edit((h) => { delete h.weight_hh_l0.data_offsets; }), ST), ST, 'tensor weight_hh_l0', /data_offsets/, /nothing/);
    expectCheckpointError(() => readSafetensors(edit((h) => { h.weight_hh_l0 = 'x'; }), ST), ST, 'tensor weight_hh_l0', /\{dtype, shape, data_offsets\}/, /"x"/);
  });

  it('a wrong dtype is named with the supported ones', () => {
    for (const dtype of ['F8_E4M3', 'C64', 'float32']) {
      expectCheckpointError(() => readSafetensors(rewriteHeader(bytes, (h) => { h.weight_ih_l0.dtype = dtype; }), ST), ST, 'tensor weight_ih_l0', /expected dtype F32, F64, F16 or BF16/, new RegExp(`found "${dtype}"`));
    }
    expectCheckpointError(() => readSafetensors(rewriteHeader(bytes, (h) => { h.weight_ih_l0.dtype = 7; }), ST), ST, 'tensor weight_ih_l0', /string dtype/, /found 7/);
  });
});

describe('NaN weights (bytes of a valid file patched)', () => {
  const NAN = [0x00, 0x00, 0xc0, 0x7f]; // float32 quiet NaN, little-endian

  it('safetensors: readSafetensors reads it, pytorchLayers names the tensor and the flat index', () => {
    const bytes = fixture(ST);
    const { header, headerLength } = splitSafetensors(bytes);
    bytes.set(NAN, 8 + headerLength + header.weight_hh_l0.data_offsets[0] + 4 * 5);
    const tensors = readSafetensors(bytes, ST);
    expect(Number.isNaN(tensors.get('weight_hh_l0')?.data[5])).toBe(true);
    expectCheckpointError(() => pytorchLayers(tensors, ST), ST, 'tensor weight_hh_l0', /expected finite weights/, /found NaN at flat index 5/);
  });

  it('torch.save: the NaN in the storage member is reported for the tensor', () => {
    const st = readSafetensors(fixture(ST), ST);
    const bytes = fixture(PT);
    const target = new Uint8Array(Float32Array.from(st.get('bias_ih_l1')?.data ?? []).buffer);
    const at = indexOf(bytes, target);
    expect(at).toBeGreaterThan(0);
    bytes.set(NAN, at + 4 * 7);
    expectCheckpointError(() => pytorchLayers(readTorchZip(bytes, PT), PT), PT, 'tensor bias_ih_l1', /found NaN at flat index 7/);
  });
});

describe('readTorchZip: bad archives', () => {
  const bytes = fixture(PT);

  it('every truncation is a CheckpointError (the end-of-central-directory record goes first)', () => {
    for (let n = 0; n < bytes.length; n++) {
      const err = expectCheckpointError(() => readTorchZip(bytes.subarray(0, n), PT), PT, /^(zip|gru2\/)/);
      if (n >= 4) expect(err.where).toBe('zip');
    }
  });

  it('not a zip; the legacy (pre-1.6) pickle format', () => {
    expectCheckpointError(() => readTorchZip(fixture(ST), PT), PT, 'zip', /PK/);
    expectCheckpointError(() => readTorchZip(new Uint8Array([0x80, 0x02, 0x8a, 0x0a]), PT), PT, 'zip', /legacy/);
    expectCheckpointError(() => readTorchZip(new Uint8Array(), PT), PT, 'zip', /empty file/);
  });

  it('a zip without data.pkl names the members it has', () => {
    const renamed = replaceAll(bytes, 'gru2/data.pkl', 'gru2/data.pkx');
    expectCheckpointError(() => readTorchZip(renamed, PT), PT, 'data.pkl', /<archive>\/data\.pkl/, /gru2\/data\.pkx/);
  });

  it('a missing storage member names the tensor and the member', () => {
    const renamed = replaceAll(bytes, 'gru2/data/3', 'gru2/data/X');
    expectCheckpointError(() => readTorchZip(renamed, PT), PT, 'tensor bias_hh_l0', /storage member gru2\/data\/3/, /found none/);
  });

  it('a storage of the wrong length names the tensor, the member and both sizes', () => {
    // the pickle says the first storage (weight_ih_l0, 96 floats) has numel 96 (BININT1 0x60): make it 97
    const pkl = indexOf(bytes, '\x80\x02ccollections\nOrderedDict');
    const at = indexOf(bytes, 'cpu', pkl) + 5; // BINUNICODE 'cpu', BINPUT 7, then K <numel>
    expect([bytes[at], bytes[at + 1]]).toEqual([0x4b, 96]);
    const patched = bytes.slice();
    patched[at + 1] = 97;
    expectCheckpointError(() => readTorchZip(patched, PT), PT, 'tensor weight_ih_l0', /expected 388 bytes in gru2\/data\/0 \(97 elements of F32\)/, /found 384/);
  });

  it('an unknown pickle global is refused by name and never executed', () => {
    const evil = replaceAll(bytes, 'torch\nFloatStorage', 'torch\nEvilzStorage');
    expectCheckpointError(() => readTorchZip(evil, PT), PT, 'gru2/data.pkl', /torch\.EvilzStorage/, /never runs code/);
    // the classic exploit: GLOBAL os.system, REDUCE ('echo',), written over data.pkl (trailing bytes after STOP are ignored)
    const exploit = new Uint8Array([0x80, 0x02, ...Buffer.from('cos\nsystem\nX\x04\x00\x00\x00echo\x85R.', 'latin1')]);
    const patched = bytes.slice();
    const pkl = indexOf(patched, '\x80\x02ccollections\nOrderedDict');
    patched.set(exploit, pkl);
    expectCheckpointError(() => readTorchZip(patched, PT), PT, 'gru2/data.pkl', /byte 2/, /found global "os\.system"/);
  });

  it('pickle errors give the member and the byte offset', () => {
    const pkl = indexOf(bytes, '\x80\x02ccollections\nOrderedDict');
    const op = bytes.slice();
    op[pkl + 29] = 0xff; // EMPTY_TUPLE -> unknown opcode
    expectCheckpointError(() => readTorchZip(op, PT), PT, 'gru2/data.pkl', /byte 29: expected a supported pickle opcode, found 0xff/);
    const proto = bytes.slice();
    proto[pkl + 1] = 9;
    expectCheckpointError(() => readTorchZip(proto, PT), PT, 'gru2/data.pkl', /byte 0: PROTO: expected protocol 2 to 5, found 9/);
    const stop = bytes.slice();
    const zip = openZip(bytes, PT);
    const size = zip.entries.get('gru2/data.pkl')?.size as number;
    stop[pkl + size - 1] = 0x4e; // STOP -> NONE: the program runs off the end
    expectCheckpointError(() => readTorchZip(stop, PT), PT, 'gru2/data.pkl', /expected STOP, found the end of the pickle/);
  });

  it('a pickle of something other than a state dict', () => {
    const patched = bytes.slice();
    patched.set([0x80, 0x02, 0x4b, 0x07, 0x2e], indexOf(patched, '\x80\x02ccollections\nOrderedDict')); // the int 7
    expectCheckpointError(() => readTorchZip(patched, PT), PT, 'gru2/data.pkl', /state dict/, /found int/);
    const empty = bytes.slice();
    empty.set([0x80, 0x02, 0x7d, 0x2e], indexOf(empty, '\x80\x02ccollections\nOrderedDict')); // {}
    expectCheckpointError(() => readTorchZip(empty, PT), PT, 'gru2/data.pkl', /state dict/, /without tensors/);
  });

  it('errors are CheckpointErrors, not RangeErrors, for a corrupt central directory', () => {
    const zip = openZip(bytes, PT);
    expect(zip.entries.size).toBe(10);
    const eocd = bytes.length - 22;
    const patched = bytes.slice();
    new DataView(patched.buffer).setUint32(eocd + 16, bytes.length - 10, true); // central directory offset near the end
    expect(() => readTorchZip(patched, PT)).toThrow(CheckpointError);
  });
});
