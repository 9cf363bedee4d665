// Says loudly, once, whether the PostgreSQL half of the suite runs.
export default function setup(): void {
  const url = process.env.TEST_POSTGRES_URL;
  const line = '='.repeat(78);
  if (url) {
    console.log(`\n${line}\n  数据库测试：SQLite + PostgreSQL (${url.replace(/\/\/[^@]*@/, '//…@')})\n${line}\n`);
  } else {
    console.warn(
      `\n${line}\n  WARNING: PostgreSQL tests SKIPPED — TEST_POSTGRES_URL is not set.\n` +
        `  Only SQLite was tested. Run: TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test npm test\n${line}\n`,
    );
  }
}
