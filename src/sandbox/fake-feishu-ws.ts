// Moved to fake-feishu/ws-frames.ts; this path stays for existing imports.
export * from './fake-feishu/ws-frames.js';
