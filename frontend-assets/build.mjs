// Gathers the files the pages load into dist/: vendor scripts from node_modules, our own from src/, the console
// page's script bundled with noVNC's RFB core, the serial console's with xterm.js, and the charts' script bundled
// with uPlot. Maven then packages dist/
// as META-INF/resources/assets/ (served at /assets/...).
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { buildSync } from 'esbuild';

const out = 'dist';
rmSync(out, { recursive: true, force: true });
mkdirSync(`${out}/vendor/novnc`, { recursive: true });
cpSync('node_modules/htmx.org/dist/htmx.min.js', `${out}/vendor/htmx.min.js`);
cpSync('node_modules/@novnc/novnc/LICENSE.txt', `${out}/vendor/novnc/LICENSE.txt`);
cpSync('node_modules/uplot/dist/uPlot.min.css', `${out}/vendor/uPlot.min.css`);
cpSync('node_modules/uplot/LICENSE', `${out}/vendor/uPlot-LICENSE.txt`);
cpSync('node_modules/@xterm/xterm/css/xterm.css', `${out}/vendor/xterm.css`);
cpSync('node_modules/@xterm/xterm/LICENSE', `${out}/vendor/xterm-LICENSE.txt`);
cpSync('src', out, { recursive: true, filter: (path) => !path.endsWith('console.js') && !path.endsWith('charts.js') });
// one file instead of noVNC's thirty-odd modules: the console's screen shows sooner
buildSync({
  entryPoints: ['src/console.js'], bundle: true, format: 'esm', minify: true, target: 'es2022',
  legalComments: 'linked', outfile: `${out}/console.js`, logLevel: 'warning'
});
// the serial console page, with xterm.js in the same file (the filter above leaves serial-console.js out too)
buildSync({
  entryPoints: ['src/serial-console.js'], bundle: true, format: 'esm', minify: true, target: 'es2022',
  legalComments: 'linked', outfile: `${out}/serial-console.js`, logLevel: 'warning'
});
// the charts of the dashboard, host and guest pages, with uPlot in the same file
buildSync({
  entryPoints: ['src/charts.js'], bundle: true, format: 'esm', minify: true, target: 'es2022',
  legalComments: 'linked', outfile: `${out}/charts.js`, logLevel: 'warning'
});
console.log('frontend assets written to', out);
