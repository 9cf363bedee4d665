// The chat layer's entry points: the BotHandlers the transport calls (router.ts) and the
// dispatch of 任务交办单 after an import (dispatch-tasks.ts).
export { createBotHandlers } from './router.js';
export { dispatchTasks } from './dispatch-tasks.js';
