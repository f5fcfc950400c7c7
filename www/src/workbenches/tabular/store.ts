// The tabular workbench's session in IndexedDB: the CSV text and the settings, so that a reload
// restores both. Nothing is sent anywhere.

import { keyValueStore } from '../../shared/idb';
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

const db = keyValueStore('webgrad-tabular', 'session');
const KEY = 'current';

export async function saveSession(s: Session): Promise<void> {
  await db.put(KEY, s);
}

/** Saves new settings beside the stored CSV (no-op when none is stored). */
export async function saveSettings(settings: Settings): Promise<void> {
  const s = await loadSession();
  if (s) await saveSession({ ...s, settings });
}

export async function loadSession(): Promise<Session | undefined> {
  try {
    return await db.get<Session>(KEY);
  } catch {
    return undefined;
  }
}

export async function clearSession(): Promise<void> {
  await db.delete(KEY);
}
