// Autosave to IndexedDB (state, epoch, loss history, weights) so that a reload restores the
// experiment, and model files (safetensors with the spec in its metadata) to take away.

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

const DB = 'webgrad-playground';
const STORE = 'experiments';
const KEY = 'autosave';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const r = f(t.objectStore(STORE));
      t.oncomplete = () => resolve(r.result);
      t.onerror = () => reject(t.error);
    });
  } finally {
    db.close();
  }
}

export async function autosave(s: Saved): Promise<void> {
  await tx('readwrite', (store) => store.put(s, KEY));
}

export async function restore(): Promise<Saved | undefined> {
  try {
    return await tx('readonly', (store) => store.get(KEY) as IDBRequest<Saved | undefined>);
  } catch {
    return undefined;
  }
}

export async function clearAutosave(): Promise<void> {
  await tx('readwrite', (store) => store.delete(KEY));
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
