// The shell: fonts and the shared styles, then the workbench the route names (`#/playground`, the
// default; a hash without a route, like a TensorFlow Playground link, opens the playground).

import '@fontsource/roboto/latin-300.css';
import '@fontsource/roboto/latin-400.css';
import '@fontsource/roboto/latin-500.css';
import '@fontsource/roboto/latin-700.css';
import './shared/style.css';

import { DEFAULT_ROUTE, parseRoute } from './shared/router';
import { WORKBENCHES } from './workbenches';

const wanted = parseRoute(location.hash).workbench;
const bench = WORKBENCHES.find((w) => w.id === wanted) ?? WORKBENCHES.find((w) => w.id === DEFAULT_ROUTE)!;
let current = bench.id;
if (bench.id !== wanted) {
  // An unknown route: open the default workbench with its defaults, and say so.
  history.replaceState(null, '', location.pathname + location.search);
  const note = document.querySelector<HTMLElement>('#note');
  const text = note?.querySelector('.note-text');
  if (note && text) {
    text.textContent = `There is no workbench “${wanted}”; this is the ${bench.title}.`;
    note.hidden = false;
  }
}
const heading = document.querySelector('#workbench-title');
if (heading) heading.textContent = bench.id;
void bench.load();

// Switching to another workbench's route loads that page afresh.
addEventListener('hashchange', () => {
  const next = parseRoute(location.hash).workbench;
  if (next !== current && WORKBENCHES.some((w) => w.id === next)) {
    current = next;
    location.reload();
  }
});
