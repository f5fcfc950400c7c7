// One IndexedDB object store used as a key → value map: what each workbench's autosave needs.
// A database per workbench keeps their data apart (and lets one be cleared alone).

export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

export function keyValueStore(db: string, store: string): KeyValueStore {
  const open = () =>
    new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(db, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(store);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  async function tx<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const conn = await open();
    try {
      return await new Promise<T>((resolve, reject) => {
        const t = conn.transaction(store, mode);
        const r = f(t.objectStore(store));
        t.oncomplete = () => resolve(r.result);
        t.onerror = () => reject(t.error);
      });
    } finally {
      conn.close();
    }
  }
  return {
    get: <T>(key: string) => tx('readonly', (s) => s.get(key) as IDBRequest<T | undefined>),
    put: async (key, value) => void (await tx('readwrite', (s) => s.put(value, key))),
    delete: async (key) => void (await tx('readwrite', (s) => s.delete(key))),
  };
}
