/**
 * What a file or folder name says before anything is read. Pure.
 *
 * A directory scan never opens a file whose name marks it as a checkpoint, weights, media,
 * archive, source code or a known non-log JSON/text file; it reads files with a log extension
 * (after sniffing their head); and it sniffs the first 64 KB of any other file (a renamed event
 * file, a log saved as `.rb` or without an extension) and reads it only when that head is a log.
 */

/** Folders a scan never enters (besides hidden ones). */
/** (`latest-run` is W&B's symlink to a run folder that is also read under its own name.) */
const SKIP_DIRS = new Set(['node_modules', '__pycache__', 'site-packages', 'dist-packages', '__MACOSX', 'latest-run']);

/** Extensions of files that are never training logs: checked before the file is opened. */
const SKIP_EXT = new Set(
  (
    // checkpoints, weights, tensors, serialized models and data
    'pt pth ckpt bin safetensors h5 hdf5 keras onnx pb tflite pkl pickle joblib npy npz pdparams pdopt ' +
    'msgpack gguf ggml ggmlv3 mlmodel caffemodel params engine trt plan ot parquet arrow feather ' +
    'tfrecord tfrecords record index meta lmdb mdb db sqlite sqlite3 wandb mat tar tgz zip 7z rar ' +
    'bz2 xz zst lz4 whl egg jar so dll dylib o a exe pyc pyo ' +
    // media
    'png jpg jpeg gif bmp tif tiff webp ico svg eps pdf mp4 avi mov mkv webm wav mp3 flac ogg m4a ' +
    // source, notebooks, docs, configs, lock files
    'py pyi ipynb ts tsx js mjs cjs jsx sh bash zsh bat ps1 c cc cpp cxx h hpp cu cuh rs go java ' +
    'kt scala swift r jl lua pl php html htm css scss md rst tex bib yaml yml toml ini cfg conf ' +
    'lock gitignore dockerfile proto cmake mk'
  ).split(/\s+/),
);

/** Names of files that are never training logs although their extension could be one. */
const SKIP_NAMES = new Set(
  [
    'requirements.txt',
    'license.txt',
    'readme.txt',
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'config.json',
    'generation_config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    'special_tokens_map.json',
    'added_tokens.json',
    'vocab.json',
    'vocab.txt',
    'merges.txt',
    'preprocessor_config.json',
    'adapter_config.json',
    'all_results.json',
    'train_results.json',
    'eval_results.json',
    'test_results.json',
    'predict_results.json',
    'wandb-summary.json',
    'wandb-metadata.json',
    'dvc.lock',
    'cmakelists.txt',
    'license',
    'copying',
    'notice',
    'makefile',
    'dockerfile',
  ].map((n) => n.toLowerCase()),
);

/** Checkpoint-like parts of a name (TF `model.ckpt-1000.data-00000-of-00001`, `*.index.json` shards). */
const SKIP_PATTERN = /(\.ckpt[-.]|\.data-\d+-of-\d+$|\.index\.json$|\.(pt|pth|bin|safetensors)\.\d+$)/i;

/** Extensions of log files lossdoc reads. */
const LOG_EXT = /\.(csv|tsv|json|jsonl|ndjson|log|txt|out|err)(\.gz)?$/i;

export type NameClass =
  /** Never opened. */
  | 'skip'
  /** A TensorBoard event file by its name. */
  | 'event'
  /** A log by its extension: its head is sniffed, and a miss is reported. */
  | 'log'
  /** Unknown: its head is sniffed, and a miss is silent. */
  | 'sniff';

function extOf(lower: string): string {
  const i = lower.lastIndexOf('.');
  return i > 0 ? lower.slice(i + 1) : '';
}

/** What to do with a file, from its name only. */
export function classifyFileName(name: string): NameClass {
  if (name.startsWith('.') || name.endsWith('~')) return 'skip';
  const lower = name.toLowerCase();
  if (/tfevents/.test(lower) && !/\.(csv|tsv|json|jsonl|txt)$/.test(lower)) {
    return /\.(gz|zip|tar|tgz)$/.test(lower) ? 'skip' : 'event';
  }
  if (SKIP_NAMES.has(lower) || SKIP_PATTERN.test(lower)) return 'skip';
  if (LOG_EXT.test(lower)) return 'log';
  const ext = extOf(lower);
  if (SKIP_EXT.has(ext)) return 'skip';
  // Compressed files of any other kind are archives or data, not logs.
  if (ext === 'gz') return 'skip';
  return 'sniff';
}

/** True for folders a scan does not enter: hidden ones, node_modules, Python caches and site-packages. */
export function isSkippedDir(name: string): boolean {
  return name.startsWith('.') || SKIP_DIRS.has(name);
}
