// The durable outbox (a domain concept): what the bot says is written here first, exactly once
// per dedupe key, and delivered afterwards by the Feishu sender (src/feishu/sender.ts).
export * from './message.js';
export { CARD_UPDATE_AFTER_ANSWER_MS, enqueueMessage, enqueueLateCardUpdate, outboxSignal, outboxUuid, takeCommitWake } from './enqueue.js';
export { OutboxStore, type OutboxRow, type OutboxScope, type OutboxUpdate, type OutboxStoreOptions } from './store.js';
export { cancelOrLocate, type QueuedMessage, type QueuedState } from './recall.js';
export { enqueueFile, fileTypeFor, FileRefusedError, FEISHU_FILE_MAX_BYTES, FEISHU_IMAGE_MAX_BYTES, IMAGE_FILE_TYPE, pendingFileRef, type EnqueueFileInput, type FeishuFileType } from './files.js';
