// The workbenches, one route each (`#/<id>`). Adding one is a folder under workbenches/ and a line
// here; no other workbench changes. Each is loaded only when its route is opened.

export interface Workbench {
  id: string;
  title: string;
  /** Loads the workbench; its module builds its page and starts. */
  load(): Promise<unknown>;
}

export const WORKBENCHES: Workbench[] = [
  { id: 'playground', title: '2-D playground', load: () => import('./playground/main') },
  { id: 'tabular', title: 'Tabular data', load: () => import('./tabular/main') },
];
