// Creates the next migration for both providers from the change in the models (prisma/models.prisma
// + prisma/models/*.prisma) since the
// last migration (prisma/migrations/models.snapshot.prisma). Usage: npm run db:migration -- <name>
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROVIDERS, readModels, schemaFor, writeSchemas } from './prisma-schemas.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const name = (process.argv[2] ?? '').replace(/[^a-z0-9_]/gi, '_');
if (!name) {
  console.error('用法：npm run db:migration -- <迁移名称，如 add_task_tags>');
  process.exit(2);
}
const snapshot = path.join(root, 'prisma/migrations/models.snapshot.prisma');
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const files = writeSchemas();
let changed = false;
for (const provider of PROVIDERS) {
  const from = snapshot + `.${provider}.tmp`;
  if (existsSync(snapshot)) writeFileSync(from, schemaFor(provider, readFileSync(snapshot, 'utf8')));
  const args = ['prisma', 'migrate', 'diff', ...(existsSync(snapshot) ? ['--from-schema-datamodel', from] : ['--from-empty']),
    '--to-schema-datamodel', files[provider], '--script'];
  const sql = execFileSync('npx', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  rmSync(from, { force: true });
  if (/^-- This is an empty migration\.\s*$/m.test(sql) || sql.trim() === '') {
    console.log(`${provider}: 模型没有变化`);
    continue;
  }
  const dir = path.join(root, 'prisma/migrations', provider, `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'migration.sql'), sql);
  console.log(`${provider}: 写入 ${path.relative(root, dir)}/migration.sql`);
  changed = true;
}
if (changed) writeFileSync(snapshot, readModels());
