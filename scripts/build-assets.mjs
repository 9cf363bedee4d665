// Second step of `npm run build`: copies what the compiled code reads next to itself (the
// sandbox's web page) from src/ to dist/. Everything else it reads (cards/, demo/, prisma/) is
// found from the project root, the same from src/ and dist/.
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
for (const dir of ['sandbox/web/public']) {
  const from = path.join(root, 'src', dir);
  if (existsSync(from)) cpSync(from, path.join(root, 'dist', dir), { recursive: true });
}
