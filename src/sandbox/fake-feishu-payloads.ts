// Moved to fake-feishu/payloads.ts; this path stays for existing imports.
export * from './fake-feishu/payloads.js';
