// Runs after `npm install`: writes the per-provider Prisma schemas and generates both clients.
// No network: the generators run on Prisma's WASM engines (see ../shared/prisma-offline.md).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
if (!existsSync(path.join(root, 'prisma/models.prisma'))) process.exit(0);

const run = (args) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' } });
const tsxCli = path.join(path.dirname(require.resolve('tsx/package.json')), 'dist/cli.mjs');
const prismaCli = path.join(path.dirname(require.resolve('prisma/package.json')), 'build/index.js');
run([tsxCli, 'scripts/prisma-schemas.ts']);
for (const provider of ['sqlite', 'postgresql']) {
  run([prismaCli, 'generate', '--no-hints', '--schema', `prisma/generated/${provider}.prisma`]);
}
