// The tabular workbench's session in IndexedDB: the CSV text and the settings, so that a reload
// restores both. Nothing is sent anywhere.

export interface Settings {
  target: string;
  features: string[];
  impute: 'mean' | 'median' | 'most_frequent' | 'drop';
  scale: 'standard' | 'minmax' | 'none';
  oneHot: boolean;
  task: 'auto' | 'classification' | 'regression';
  testSize: number;
  seed: number;
  stratify: boolean;
  balanced: boolean;
  models: string[];
  colorBy: 'class' | 'cluster';
}

export interface Session {
  /** The file or sample name. */
  name: string;
  csv: string;
  settings: Settings | null;
}

const DB = 'webgrad-tabular';
const STORE = 'session';
const KEY = 'current';

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

export async function saveSession(s: Session): Promise<void> {
  await tx('readwrite', (store) => store.put(s, KEY));
}

/** Saves new settings beside the stored CSV (no-op when none is stored). */
export async function saveSettings(settings: Settings): Promise<void> {
  const s = await loadSession();
  if (s) await saveSession({ ...s, settings });
}

export async function loadSession(): Promise<Session | undefined> {
  try {
    return await tx('readonly', (store) => store.get(KEY) as IDBRequest<Session | undefined>);
  } catch {
    return undefined;
  }
}

export async function clearSession(): Promise<void> {
  await tx('readwrite', (store) => store.delete(KEY));
}
