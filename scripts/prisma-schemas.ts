// Writes one Prisma schema per provider from the model definition: prisma/models.prisma (the
// ledger's core models) followed by every prisma/models/*.prisma (one file per area, in name
// order), so there is exactly one model definition. Run by postinstall and `npm run db:generate`.
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const PROVIDERS = ['sqlite', 'postgresql'] as const;
export type Provider = (typeof PROVIDERS)[number];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function schemaFor(provider: Provider, models: string): string {
  const output = provider === 'sqlite' ? 'prisma-sqlite' : 'prisma-pg';
  return `// GENERATED from prisma/models.prisma + prisma/models/*.prisma by scripts/prisma-schemas.ts — do not edit.
generator client {
  provider     = "prisma-client"
  output       = "../../src/generated/${output}"
  engineType      = "client"
  runtime      = "nodejs"
  moduleFormat = "esm"
}

// The url is never used to connect: the bot and the CLI both go through driver adapters.
datasource db {
  provider = "${provider}"
  url      = "${provider === 'sqlite' ? 'file:./unused.db' : 'postgresql://unused@localhost/unused'}"
}

${models}`;
}

/** The whole model definition: models.prisma, then prisma/models/*.prisma in name order. */
export function readModels(): string {
  const parts = [readFileSync(path.join(root, 'prisma/models.prisma'), 'utf8')];
  const dir = path.join(root, 'prisma/models');
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.prisma')).sort()) {
      parts.push(`// ---- prisma/models/${f}\n${readFileSync(path.join(dir, f), 'utf8')}`);
    }
  }
  return parts.join('\n');
}

export function writeSchemas(): Record<Provider, string> {
  const models = readModels();
  mkdirSync(path.join(root, 'prisma/generated'), { recursive: true });
  const out = {} as Record<Provider, string>;
  for (const provider of PROVIDERS) {
    const file = path.join(root, `prisma/generated/${provider}.prisma`);
    writeFileSync(file, schemaFor(provider, models));
    out[provider] = file;
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const files = writeSchemas();
  console.log(`schemas written: ${Object.values(files).join(', ')}`);
}
