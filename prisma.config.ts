// Used by the Prisma CLI only (generate, migrate diff); the running bot never loads it.
// The JS engine with a driver adapter keeps the CLI from downloading engine binaries
// (see ../shared/prisma-offline.md). Migrations are applied by src/db/migrate.ts.
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/generated/sqlite.prisma',
  adapter: async () => new PrismaBetterSQLite3({ url: 'file::memory:' }),
});
