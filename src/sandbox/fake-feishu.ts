// The fake Feishu platform lives in fake-feishu/ (one module per API area; see
// fake-feishu/index.ts for the map). This path stays for existing imports.
export * from './fake-feishu/index.js';
