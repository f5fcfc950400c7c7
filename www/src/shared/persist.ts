// Autosave to IndexedDB (state, epoch, loss history, weights) so that a reload restores the
// experiment, and model files (safetensors with the spec in its metadata) to take away.

import { keyValueStore } from './idb';
import type { LossHistory } from './views/lossChart';

/** Named f32 tensors (a model's weights), as the save/load views move them. */
export type Tensors = Record<string, { shape: number[]; data: Float32Array }>;

export interface Saved {
  hash: string;
  epoch: number;
  history: LossHistory;
  /** The model file (`model.save()`'s bytes: weights, optimizer state, spec). */
  model?: Uint8Array;
  /** Autosaves from before model files: the weights as named arrays. */
  tensors?: Tensors;
  savedAt: number;
}

const db = keyValueStore('webgrad-playground', 'experiments');
const KEY = 'autosave';

export async function autosave(s: Saved): Promise<void> {
  await db.put(KEY, s);
}

export async function restore(): Promise<Saved | undefined> {
  try {
    return await db.get<Saved>(KEY);
  } catch {
    return undefined;
  }
}

export async function clearAutosave(): Promise<void> {
  await db.delete(KEY);
}

/** Offers `bytes` as a file download. */
export function download(bytes: Uint8Array, name: string, type = 'application/octet-stream') {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
