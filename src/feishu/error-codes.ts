// Feishu's answers to a send, as data: each code with the meaning its doc page gives (in the doc's
// own Chinese), the page it comes from, and what it means for delivery (the `cause`, below). The
// same number can mean different things on different APIs (10002 and 11311 are card errors on the
// delayed card update but something else in the generic table), so the delayed card update has its
// own table. errors.ts classifies with these tables; nothing else hard-codes a code.

/** The doc pages the codes come from (mirror: wxkingstar/doc-hub-mcp @ 9617d88, folder feishu/). */
export const FEISHU_ERROR_DOCS = {
  /** 发送消息 (2025-08-12), 错误码. Reply (回复消息) documents the same message codes. */
  create: 'https://open.feishu.cn/document/server-docs/im-v1/message/create',
  /** 更新已发送的消息卡片 (2025-07-15), 错误码. */
  patch: 'https://open.feishu.cn/document/server-docs/im-v1/message-card/patch',
  /** 延时更新消息卡片 (2025-09-10), 错误码. */
  cardUpdate: 'https://open.feishu.cn/document/server-docs/im-v1/message-card/delay-update-message-card',
  /** 上传文件 (im/v1/files), 错误码: a file message is uploaded before it is sent. */
  fileCreate: 'https://open.feishu.cn/document/server-docs/im-v1/file/create',
  /** 通用错误码 (2025-08-20). */
  generic: 'https://open.feishu.cn/document/server-docs/api-call-guide/generic-error-code',
} as const;
export type FeishuErrorDoc = keyof typeof FEISHU_ERROR_DOCS;

/**
 * What a permanent failure means for the office. `notify`: the office hears of it (once per
 * recipient and cause); `scope`: 'recipient' (this person or group), 'app' (every send fails:
 * one notice for the whole deployment). `advice` is what to do, in the office's words.
 */
export interface DeliveryCause {
  label: string;
  advice: string;
  notify: boolean;
  scope: 'recipient' | 'app';
}

export const DELIVERY_CAUSES = {
  bot_not_in_chat: { label: '机器人不在该群中', advice: '请把「台账机器人」重新加入该群（群设置 → 群机器人 → 添加机器人）。', notify: true, scope: 'recipient' },
  chat_dissolved: { label: '该群已解散', advice: '请为该单位绑定新的工作群：在新群中添加台账机器人并 @它 发送「绑定 单位名称」，或在台账「单位」表更新工作群ID后重新导入。', notify: true, scope: 'recipient' },
  chat_forbidden: { label: '群设置或沟通权限不允许机器人在此发言', advice: '请群主在群设置中允许机器人发言（或解除禁言）；外部群需为机器人开启对外共享能力。', notify: true, scope: 'recipient' },
  chat_unsupported: { label: '该群不支持接收机器人卡片（互通群、密聊）', advice: '请为该单位改绑一个普通的工作群。', notify: true, scope: 'recipient' },
  user_out_of_scope: { label: '此人不在机器人的可用范围内（或已离职）', advice: '请飞书管理员在开发者后台 →「可用范围」中加入此人；如已离职，请在台账「人员」表中停用此人、补上接替的联络人后重新导入。', notify: true, scope: 'recipient' },
  user_resigned: { label: '此人已离职', advice: '请在台账「人员」表中停用此人、补上接替的联络人后重新导入。', notify: true, scope: 'recipient' },
  user_blocked_bot: { label: '此人已设置不再接收机器人消息', advice: '请联系本人，在与「台账机器人」的单聊设置中恢复接收消息。', notify: true, scope: 'recipient' },
  user_cross_tenant: { label: '此人属于其他企业，机器人不能与其单聊', advice: '请改由该单位的工作群接收，或在「人员」表中改填本企业的联络人。', notify: true, scope: 'recipient' },
  invalid_id: { label: '飞书 ID 无效或不属于本应用', advice: '请不要手填「飞书ID」：在台账「人员」表中填写此人的手机号或邮箱后重新导入，机器人会查到正确的 ID。', notify: true, scope: 'recipient' },
  content_rejected: { label: '消息内容未通过飞书审查（敏感信息或数据防泄漏）', advice: '请检查相关事项的文字（如明文手机号、邮箱）；修改台账后，后续提醒会正常发送。', notify: true, scope: 'recipient' },
  bad_message: { label: '消息格式不被飞书接受（程序问题）', advice: '请把此通知转给运维人员，按日志中的错误码排查。', notify: true, scope: 'recipient' },
  bot_disabled: { label: '应用未启用机器人能力', advice: '请在飞书开发者后台为应用启用「机器人」能力并发布新版本。', notify: true, scope: 'app' },
  missing_scope: { label: '应用缺少发送消息所需的权限', advice: '请在飞书开发者后台申请 README 所列权限并发布新版本。', notify: true, scope: 'app' },
  tenant_key_deleted: { label: '企业加密密钥已被删除', advice: '请联系本企业的飞书管理员处理。', notify: true, scope: 'app' },
  unreachable: { label: '飞书接口长时间没有正常应答，消息已停止重试', advice: '请检查服务器网络和飞书服务状态；这些消息不会自动补发。', notify: true, scope: 'app' },
  /** The message replied to, patched or updated is gone (recalled, deleted, too old): nobody to tell. */
  target_gone: { label: '要回复或更新的消息已撤回、删除或过期', advice: '', notify: false, scope: 'recipient' },
  /** A delayed card update (callback token) that failed: the clicker already saw the answer; logged only. */
  card_update_failed: { label: '卡片延时更新失败', advice: '', notify: false, scope: 'recipient' },
} as const satisfies Record<string, DeliveryCause>;
export type DeliveryCauseKey = keyof typeof DELIVERY_CAUSES;

export interface ErrorCodeEntry {
  /** The doc's own description (Chinese). */
  meaning: string;
  doc: FeishuErrorDoc;
  cause: DeliveryCauseKey;
}

/**
 * Permanent errors of the message APIs (create, reply, patch) and the generic table: retrying cannot
 * help, the row fails after one attempt.
 */
export const PERMANENT_ERROR_CODES: Record<number, ErrorCodeEntry> = {
  230001: { meaning: '参数错误', doc: 'create', cause: 'bad_message' },
  230002: { meaning: '机器人不在对应群组中', doc: 'create', cause: 'bot_not_in_chat' },
  230006: { meaning: '应用未启用机器人能力', doc: 'create', cause: 'bot_disabled' },
  230011: { meaning: '消息已被撤回，不支持该操作', doc: 'patch', cause: 'target_gone' },
  230013: { meaning: '目标用户不在应用机器人的可用范围内，或是在应用的禁用范围内；目标用户已离职也会报此错误', doc: 'create', cause: 'user_out_of_scope' },
  230015: { meaning: '不能分享单聊的名片', doc: 'create', cause: 'bad_message' },
  230017: { meaning: '机器人不是资源的拥有者，只能发送自己上传的文件', doc: 'create', cause: 'bad_message' },
  230018: { meaning: '当前操作被群设置禁止，例如群聊设置了仅指定成员可以在此群发言', doc: 'create', cause: 'chat_forbidden' },
  230019: { meaning: '当前话题不存在，无法执行该操作', doc: 'create', cause: 'target_gone' },
  230022: { meaning: '消息内容包含敏感信息', doc: 'create', cause: 'content_rejected' },
  230025: { meaning: '消息体长度超出限制（卡片及富文本不超过 30 KB；样式标签会使实际长度大于请求体）', doc: 'create', cause: 'bad_message' },
  230027: { meaning: '无权进行本次操作（缺少权限、未检查到用户授权，或外部群未开启机器人对外共享能力）', doc: 'create', cause: 'chat_forbidden' },
  230028: { meaning: '消息的数据防泄漏审查未通过（如包含明文电话号码、明文邮箱地址）', doc: 'create', cause: 'content_rejected' },
  230029: { meaning: '指定的用户已离职，无法发送消息', doc: 'create', cause: 'user_resigned' },
  230031: { meaning: '消息发送超过 14 天，无法更新', doc: 'patch', cause: 'target_gone' },
  230034: { meaning: '消息接收者 ID（receive_id）无效', doc: 'create', cause: 'invalid_id' },
  230035: { meaning: '没有发送消息的权限（群聊已开启禁言、机器人被接收者屏蔽或受到租户维度的沟通权限管控）', doc: 'create', cause: 'chat_forbidden' },
  230036: { meaning: '租户加密密钥已被删除，导致被该秘钥加密的数据不可用', doc: 'create', cause: 'tenant_key_deleted' },
  230038: { meaning: '跨租户的单聊不允许通过本接口发送消息', doc: 'create', cause: 'user_cross_tenant' },
  230053: { meaning: '用户已设置不再接收机器人消息，无法主动给用户发送单聊消息', doc: 'create', cause: 'user_blocked_bot' },
  230054: { meaning: '私有互通群不支持发送特定的消息类型，如卡片消息', doc: 'create', cause: 'chat_unsupported' },
  230055: { meaning: '文件上传时选择的类型与发送的消息类型不匹配', doc: 'create', cause: 'bad_message' },
  230075: { meaning: '不支持向密聊、密盾聊中发送消息', doc: 'create', cause: 'chat_unsupported' },
  230099: { meaning: '创建卡片内容失败', doc: 'create', cause: 'bad_message' },
  234001: { meaning: '请求参数无效', doc: 'fileCreate', cause: 'bad_message' },
  234006: { meaning: '资源大小超出限制（文件不超过 30 MB）', doc: 'fileCreate', cause: 'bad_message' },
  234007: { meaning: '应用没有启用机器人能力', doc: 'fileCreate', cause: 'bot_disabled' },
  234010: { meaning: '请勿上传大小为 0 的文件', doc: 'fileCreate', cause: 'bad_message' },
  230110: { meaning: '消息已删除，无法进行本操作', doc: 'patch', cause: 'target_gone' },
  232009: { meaning: '指定的群已被解散，无法发送消息', doc: 'create', cause: 'chat_dissolved' },
  10002: { meaning: '机器人不在会话中，请添加机器人后重新请求', doc: 'generic', cause: 'bot_not_in_chat' },
  99991672: { meaning: '应用缺少所需权限', doc: 'generic', cause: 'missing_scope' },
  99992351: { meaning: 'open_id 无效', doc: 'generic', cause: 'invalid_id' },
  99992352: { meaning: '部分open_id不存在', doc: 'generic', cause: 'invalid_id' },
  99992353: { meaning: '部分open_id不存在', doc: 'generic', cause: 'invalid_id' },
  99992354: { meaning: 'message_id 不存在', doc: 'generic', cause: 'target_gone' },
  99992355: { meaning: '当前chat_id不存在', doc: 'generic', cause: 'invalid_id' },
  99992356: { meaning: '当前chat_id不存在', doc: 'generic', cause: 'invalid_id' },
  99992359: { meaning: '当前user_id不存在', doc: 'generic', cause: 'invalid_id' },
  99992360: { meaning: 'user_id 不存在', doc: 'generic', cause: 'invalid_id' },
  99992361: { meaning: '传入的 open_id 不属于当前应用（open_id cross app）', doc: 'generic', cause: 'invalid_id' },
  99992363: { meaning: '当前union_id不存在', doc: 'generic', cause: 'invalid_id' },
  99992364: { meaning: '当前union_id不存在；不能使用其他租户下的user_id', doc: 'generic', cause: 'invalid_id' },
  99992402: { meaning: '请求参数缺失或者有误', doc: 'generic', cause: 'bad_message' },
};

/**
 * The delayed card update's own codes (interactive/v1/card/update). Looked up before the table
 * above for `card_update` rows: 10002 and 11311 mean card errors here. All permanent; a failed
 * card update is logged, never shown to the office (its row holds the callback token).
 */
export const CARD_UPDATE_ERROR_CODES: Record<number, ErrorCodeEntry> = {
  10002: { meaning: 'card 参数校验错误', doc: 'cardUpdate', cause: 'card_update_failed' },
  11311: { meaning: '卡片格式不符合要求', doc: 'cardUpdate', cause: 'card_update_failed' },
  100000: { meaning: '卡片内容转换后超过 100 KB', doc: 'cardUpdate', cause: 'card_update_failed' },
  100030: { meaning: '输入的参数不符合 JSON 规范', doc: 'cardUpdate', cause: 'card_update_failed' },
  200000: { meaning: '该消息卡片已被撤回', doc: 'cardUpdate', cause: 'card_update_failed' },
  200310: { meaning: '无法更新其他应用发送的卡片', doc: 'cardUpdate', cause: 'card_update_failed' },
  200320: { meaning: '独享卡片的 open_ids 内容有误', doc: 'cardUpdate', cause: 'card_update_failed' },
  300020: { meaning: '更新卡片的 token 格式错误', doc: 'cardUpdate', cause: 'card_update_failed' },
  300030: { meaning: '更新卡片的 token 失效（有效期 30 分钟）', doc: 'cardUpdate', cause: 'card_update_failed' },
  300040: { meaning: '更新卡片的 token 超过使用限制次数（同一个 token 仅能使用 2 次）', doc: 'cardUpdate', cause: 'card_update_failed' },
  300090: { meaning: '独享卡片必须填写 open_ids 字段', doc: 'cardUpdate', cause: 'card_update_failed' },
};

/** Codes that say "try again": retried with back-off like a 5xx (not rate limits, which errors.ts pauses on). */
export const RETRYABLE_ERROR_CODES: Record<number, { meaning: string; doc: FeishuErrorDoc }> = {
  230049: { meaning: '消息正在发送中，请稍后', doc: 'create' },
};

/** Rate-limit codes: back off (x-ogw-ratelimit-reset) and retry; never counted as a failed attempt. */
export const RATE_LIMIT_CODES: Record<number, { meaning: string; scope: 'app' | 'recipient' }> = {
  // https://open.feishu.cn/document/server-docs/api-call-guide/frequency-control
  99991400: { meaning: '请求频率超过限制', scope: 'app' },
  // https://open.feishu.cn/document/server-docs/im-v1/faq
  230020: { meaning: '当前操作触发频率限制（单群、单用户 5 QPS）', scope: 'recipient' },
  11232: { meaning: '消息系统整体限流', scope: 'app' },
  11233: { meaning: '群维度限流', scope: 'recipient' },
};

/** Token problems (generic error codes): drop the cached tenant_access_token and retry. */
export const TOKEN_ERROR_CODES = new Set([99991661, 99991663, 99991664, 99991665, 99991668]);
