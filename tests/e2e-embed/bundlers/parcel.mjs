// Parcel 2: like Vite and webpack it handles `new URL('…', import.meta.url)` and the module worker
// itself. Skipped (not failed) when it does not install and build within two minutes here.
import { join } from 'node:path';
import { INDEX_HTML, MAIN_JS, readmeExample, sh, writeFiles } from '../common.mjs';

export default {
  name: 'parcel',
  tool: 'parcel',
  devDependencies: { parcel: '^2' },
  skipAfter: 120,
  async build({ app }) {
    writeFiles(app, {
      'index.html': INDEX_HTML('', '<script type="module" src="./main.js"></script>'),
      'main.js': MAIN_JS,
      'example.js': readmeExample(),
    });
    await sh('npx', ['parcel', 'build', 'index.html', '--no-cache', '--log-level', 'warn'], { cwd: app, timeout: 120 });
    return { dir: join(app, 'dist') };
  },
};
