// Gathers the files the pages load into dist/: vendor scripts from node_modules (htmx, noVNC) and our own from src/.
// Maven then packages dist/ as META-INF/resources/assets/ (served at /assets/...).
import { cpSync, mkdirSync, rmSync } from 'node:fs';

const out = 'dist';
rmSync(out, { recursive: true, force: true });
mkdirSync(`${out}/vendor`, { recursive: true });
cpSync('node_modules/htmx.org/dist/htmx.min.js', `${out}/vendor/htmx.min.js`);
// noVNC's RFB core as ES modules, with the vendored pako its decoders import by relative path
for (const part of ['core', 'vendor', 'LICENSE.txt']) {
  cpSync(`node_modules/@novnc/novnc/${part}`, `${out}/vendor/novnc/${part}`, { recursive: true });
}
cpSync('src', out, { recursive: true });
console.log('frontend assets written to', out);
