// Chat handlers sit below the jobs: a chat module importing src/jobs makes a cycle (jobs send
// through chat's cards and dispatch). The Feishu directory both need lives in src/feishu/directory.ts.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));

/** Imports of src/jobs from src/chat, as `chat-file → jobs-file` (relative to src). */
function chatImportsOfJobs(): string[] {
  const out: string[] = [];
  for (const file of files(path.join(SRC, 'chat'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'([^']+)'/g)) {
      const target = path.resolve(path.dirname(file), m[1]!);
      if (target.startsWith(path.join(SRC, 'jobs') + path.sep)) out.push(`${path.relative(SRC, file)} → ${path.relative(SRC, target)}`);
    }
  }
  return out.sort();
}

it('no chat module imports src/jobs: card builders, storage reads and the Feishu directory both need live below both', () => {
  expect(chatImportsOfJobs()).toEqual([]);
});
