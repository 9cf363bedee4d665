// The sandbox chat page: pick who you are, pick a chat, talk to the bot, click its cards, move the
// clock and run the scheduled jobs. Everything goes through the page's API to the fake Feishu.
import { esc, renderCard } from './cards.js';

const $ = (sel, root = document) => root.querySelector(sel);
const params = new URLSearchParams(location.search);

const state = {
  tenantName: '',
  bot: { name: '台账机器人', openId: '' },
  people: [],
  chats: [],
  jobs: [],
  jobsEnabled: false,
  me: null,
  chatKey: null, // the chat id shown (group id or p2p chat id)
  messages: new Map(), // messageId → view (current chat)
  unread: new Map(), // chatId → count
  clockOffset: 0,
};

const byOpenId = (id) => state.people.find((p) => p.openId === id);
const nameOf = (id) => (id === state.bot.openId ? state.bot.name : byOpenId(id)?.name);

// --- API -------------------------------------------------------------------------------------

async function api(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try {
    data = await res.json();
  } catch {
    /* empty */
  }
  if (!res.ok) throw new Error(data?.error ?? `请求失败（HTTP ${res.status}）`);
  return data;
}

// --- time ------------------------------------------------------------------------------------

const TZ = 'Asia/Shanghai';
const sandboxNow = () => new Date(Date.now() + state.clockOffset);
function fmtTime(iso, withDate = false) {
  const d = new Date(iso);
  const opts = withDate
    ? { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }
    : { timeZone: TZ, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false };
  return new Intl.DateTimeFormat('zh-CN', opts).format(d);
}
function fmtClock(d) {
  return new Intl.DateTimeFormat('zh-CN', {
    timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
  }).format(d);
}
/** "2026-07-01T10:00" in Beijing time, for <input type=datetime-local>. */
function localInputValue(d) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour === '24' ? '00' : parts.hour}:${parts.minute}`;
}
function setClock(nowIso) {
  state.clockOffset = new Date(nowIso).getTime() - Date.now();
  tickClock();
}
function tickClock() {
  $('#clock-now').textContent = fmtClock(sandboxNow());
}

// --- toast -----------------------------------------------------------------------------------

let toastTimer;
function toast(content, type = 'info') {
  const el = $('#toast');
  el.textContent = content;
  el.className = `toast show toast-${type}`;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.className = 'toast'), 3200);
}

// --- who am I, which chat --------------------------------------------------------------------

function fillWho() {
  const select = $('#who');
  const units = [];
  for (const p of state.people) if (!units.includes(p.unit)) units.push(p.unit);
  select.innerHTML = units
    .map(
      (u) =>
        `<optgroup label="${esc(u)}">${state.people
          .filter((p) => p.unit === u)
          .map((p) => `<option value="${esc(p.openId)}">${esc(p.name)} · ${esc(p.roles)}</option>`)
          .join('')}</optgroup>`,
    )
    .join('');
}

function myChats() {
  if (!state.me) return [];
  const groups = state.chats.filter((c) => c.memberOpenIds.includes(state.me.openId)).map((c) => ({ key: c.chatId, name: c.name, type: 'group', members: c.memberOpenIds.length }));
  return [{ key: state.me.p2pChatId, name: `与${state.bot.name}的私聊`, type: 'p2p' }, ...groups];
}

function renderChatList() {
  $('#chats').innerHTML = myChats()
    .map((c) => {
      const n = state.unread.get(c.key) ?? 0;
      return `<li class="chat-item${c.key === state.chatKey ? ' active' : ''}" data-chat-id="${esc(c.key)}" data-chat-type="${c.type}">
        <span class="chat-avatar ${c.type}">${c.type === 'p2p' ? '私' : esc(c.name.slice(0, 1))}</span>
        <span class="chat-name">${esc(c.name)}${c.type === 'group' ? `<small>${c.members} 人</small>` : ''}</span>
        ${n ? `<span class="badge">${n > 99 ? '99+' : n}</span>` : ''}</li>`;
    })
    .join('');
}

function setMe(openId) {
  state.me = byOpenId(openId) ?? state.people[0];
  $('#who').value = state.me.openId;
  $('#me-line').textContent = `${state.me.unit} · ${state.me.roles}`;
  localStorage.setItem('taizhang.sandbox.me', state.me.openId);
  const chats = myChats();
  const keep = chats.find((c) => c.key === state.chatKey);
  const wanted = chats.find((c) => c.key === localStorage.getItem(`taizhang.sandbox.chat.${state.me.openId}`));
  openChat((keep ?? wanted ?? chats.find((c) => c.type === 'group') ?? chats[0]).key);
}

async function openChat(key) {
  state.chatKey = key;
  state.unread.delete(key);
  localStorage.setItem(`taizhang.sandbox.chat.${state.me.openId}`, key);
  renderChatList();
  const chat = myChats().find((c) => c.key === key);
  $('#chat-title').textContent = chat?.name ?? '';
  $('#chat-sub').textContent = chat?.type === 'group' ? `群聊 · ${chat.members} 人 · 发言需 @${state.bot.name}` : '私聊 · 直接输入命令即可';
  $('#mention-wrap').hidden = chat?.type !== 'group';
  $('#input').placeholder = chat?.type === 'group' ? `@${state.bot.name} 进展 QY-2026-018 已完成执法事项目录初稿 70%` : '进展 QY-2026-018 已完成执法事项目录初稿 70%　（Enter 发送，Shift+Enter 换行）';
  const data = await api('GET', `/api/chats/${encodeURIComponent(key)}/messages`);
  if (state.chatKey !== key) return;
  state.messages = new Map(data.messages.map((m) => [m.messageId, m]));
  renderMessages();
}

// --- messages --------------------------------------------------------------------------------

function avatar(sender) {
  if (sender.type === 'bot') return '<span class="avatar bot">台</span>';
  const hue = [...sender.openId].reduce((a, c) => (a * 31 + c.charCodeAt(0)) % 360, 7);
  return `<span class="avatar" style="background:hsl(${hue} 55% 48%)">${esc(sender.name.slice(-2))}</span>`;
}

function messageHtml(m) {
  const mine = m.sender.type === 'user' && m.sender.openId === state.me?.openId;
  const who = m.sender.type === 'bot' ? `${esc(m.sender.name)} <span class="bot-tag">机器人</span>` : esc(m.sender.name);
  const updated = m.version > 0 ? `<span class="updated" title="${esc(m.updatedVia ?? '')}">已更新 ${fmtTime(m.updatedAt)}</span>` : '';
  const reply = m.replyTo ? `<div class="reply-to">回复 ${esc(m.replyTo.senderName)}：${esc(m.replyTo.snippet)}</div>` : '';
  let body;
  if (m.recalled) body = `<div class="bubble recalled">${mine ? '你' : esc(m.sender.name)}撤回了一条消息</div>`;
  else if (m.msgType === 'interactive') body = `<div class="card-host">${renderCard(m.content, { nameOf })}</div>`;
  else if (m.file) body = `<div class="bubble file-bubble"><span class="file-icon">[文件]</span><a class="file-link" href="${esc(m.file.url)}" download="${esc(m.file.name)}">${esc(m.file.name)}</a><span class="file-size">${fmtSize(m.file.size)}</span></div>`;
  else if (m.text !== undefined) body = `<div class="bubble">${esc(m.text).replace(/(^|\s)(@\S+)/g, '$1<span class="md-at">$2</span>').replace(/\n/g, '<br>')}</div>`;
  else body = `<div class="bubble">[${esc(m.msgType)} 消息]</div>`;
  return `<div class="msg${mine ? ' mine' : ''}${m.sender.type === 'bot' ? ' from-bot' : ''}" data-message-id="${esc(m.messageId)}" data-msg-type="${esc(m.msgType)}" data-version="${m.version}">
    ${avatar(m.sender)}
    <div class="msg-main"><div class="msg-meta">${who}<span class="time">${fmtTime(m.createdAt, true)}</span>${updated}${mine && !m.recalled ? '<button class="recall-btn" type="button" title="撤回这条消息（飞书推送 im.message.recalled_v1）">撤回</button>' : ''}</div>${reply}${body}</div></div>`;
}

function renderMessages() {
  const list = [...state.messages.values()].sort((a, b) => a.seq - b.seq);
  const box = $('#messages');
  box.innerHTML = list.length ? list.map(messageHtml).join('') : `<div class="empty">还没有消息。试试发送「帮助」或「我的任务」。</div>`;
  box.scrollTop = box.scrollHeight;
}

function upsertMessage(m, { flash = false } = {}) {
  if (m.chatId !== state.chatKey) return false;
  const box = $('#messages');
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  const existing = box.querySelector(`.msg[data-message-id="${CSS.escape(m.messageId)}"]`);
  const prev = state.messages.get(m.messageId);
  if (prev && prev.version > m.version) return true; // an older view arrived late
  state.messages.set(m.messageId, m);
  const tmp = document.createElement('div');
  tmp.innerHTML = messageHtml(m);
  const el = tmp.firstElementChild;
  if (existing) {
    existing.replaceWith(el);
    if (flash) {
      el.classList.add('flash');
      setTimeout(() => el.classList.remove('flash'), 1500);
    }
  } else {
    box.querySelector('.empty')?.remove();
    box.appendChild(el);
    if (nearBottom || m.sender.type === 'user') box.scrollTop = box.scrollHeight;
  }
  return true;
}

function systemNote(chatId, text) {
  if (chatId !== state.chatKey) return;
  const box = $('#messages');
  const el = document.createElement('div');
  el.className = 'system-note';
  el.textContent = text;
  box.appendChild(el);
  box.scrollTop = box.scrollHeight;
}

function belongsToMe(chatId) {
  return myChats().some((c) => c.key === chatId);
}

// --- sending ---------------------------------------------------------------------------------

async function recallMessage(messageId) {
  try {
    const r = await api('POST', `/api/messages/${encodeURIComponent(messageId)}/recall`, { asOpenId: state.me.openId });
    upsertMessage(r.message);
  } catch (err) {
    toast(String(err.message ?? err), 'error');
  }
}

function fmtSize(n) {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** The 📎 button: the chosen file goes into the current chat as a file message (the fake stores it as the person's upload). */
async function sendFile(file) {
  const chat = myChats().find((c) => c.key === state.chatKey);
  const base64 = await new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(new Error('读取文件失败'));
    reader.readAsDataURL(file);
  });
  const body = { asOpenId: state.me.openId, fileName: file.name, base64 };
  if (chat.type === 'group') body.chatId = chat.key;
  else body.p2p = true;
  try {
    const r = await api('POST', '/api/files', body);
    if (r.message) upsertMessage(r.message);
  } catch (err) {
    toast(err.message, 'error');
  }
}

async function send() {
  const input = $('#input');
  const text = input.value.trim();
  if (!text) return;
  const chat = myChats().find((c) => c.key === state.chatKey);
  const body = { asOpenId: state.me.openId, text };
  if (chat.type === 'group') {
    body.chatId = chat.key;
    body.mentionBot = $('#mention').checked;
  } else body.p2p = true;
  $('#send').disabled = true;
  try {
    const r = await api('POST', '/api/messages', body);
    input.value = '';
    if (r.message) upsertMessage(r.message);
  } catch (err) {
    toast(err.message, 'error');
  } finally {
    $('#send').disabled = false;
    input.focus();
  }
}

// --- card clicks -----------------------------------------------------------------------------

function collectForm(form) {
  const values = {};
  for (const f of form.querySelectorAll('[data-field]')) {
    const name = f.dataset.field;
    if (!name) continue;
    const kind = f.dataset.kind;
    let v;
    if (kind === 'checker') v = f.checked;
    else if (kind === 'multi') v = [...f.selectedOptions].map((o) => o.value);
    else if (kind === 'date') v = f.value ? `${f.value} +0800` : '';
    else if (kind === 'datetime-local') v = f.value ? `${f.value.replace('T', ' ')} +0800` : '';
    else v = f.value;
    if (f.dataset.required && (v === '' || (Array.isArray(v) && v.length === 0))) {
      f.classList.add('invalid');
      f.focus();
      throw new Error(`请填写「${f.dataset.label || name}」`);
    }
    f.classList.remove('invalid');
    // Feishu leaves out inputs nobody filled (except required ones, checked above).
    if (v === '' || (Array.isArray(v) && v.length === 0)) continue;
    values[name] = v;
  }
  return values;
}

async function onCardClick(btn) {
  const msgEl = btn.closest('.msg');
  const messageId = msgEl?.dataset.messageId;
  if (!messageId) return;
  if (btn.dataset.formReset) {
    for (const f of btn.closest('.card-form')?.querySelectorAll('[data-field]') ?? []) {
      if (f.type === 'checkbox') f.checked = false;
      else f.value = '';
    }
    return;
  }
  if (btn.dataset.confirm && !window.confirm(btn.dataset.confirm)) return;
  const body = { asOpenId: state.me.openId, messageId, value: JSON.parse(btn.dataset.cb ?? 'null'), tag: 'button' };
  if (btn.dataset.name) body.name = btn.dataset.name;
  if (btn.dataset.formSubmit) {
    const form = btn.closest('.card-form');
    try {
      body.formValue = collectForm(form);
    } catch (err) {
      toast(err.message, 'warning');
      return;
    }
  }
  const buttons = msgEl.querySelectorAll('.card-btn');
  buttons.forEach((b) => (b.disabled = true));
  msgEl.classList.add('busy');
  try {
    const r = await api('POST', '/api/cards/click', body);
    if (r.clientErrorText) toast(r.clientErrorText, 'error');
    else if (r.toast) toast(r.toast.content, r.toast.type);
    if (r.message) upsertMessage(r.message, { flash: r.updated });
  } catch (err) {
    toast(err.message, 'error');
  } finally {
    msgEl.classList.remove('busy');
    const now = $('#messages').querySelector(`.msg[data-message-id="${CSS.escape(messageId)}"]`);
    now?.querySelectorAll('.card-btn').forEach((b) => {
      if (!b.hasAttribute('title')) b.disabled = false;
    });
  }
}

// --- clock and jobs --------------------------------------------------------------------------

function jobLog(html, ok = true) {
  const li = document.createElement('li');
  li.className = ok ? 'ok' : 'fail';
  li.innerHTML = html;
  $('#job-log').prepend(li);
}

async function jumpClock(at) {
  try {
    const r = await api('POST', '/api/clock', { at });
    setClock(r.now);
    toast(`沙箱时间已跳转到 ${fmtClock(new Date(r.now))}`, 'success');
  } catch (err) {
    toast(err.message, 'error');
  }
}

async function runJob() {
  const name = $('#job-select').value;
  const label = state.jobs.find((j) => j.name === name)?.label ?? name;
  const dryRun = $('#job-dry').checked;
  $('#job-run').disabled = true;
  try {
    const r = await api('POST', `/api/jobs/${encodeURIComponent(name)}/run`, { dryRun });
    const summary = (r.summary ?? []).map((l) => `<div class="job-summary">${esc(l)}</div>`).join('');
    const sends = r.sends?.length ? `<details${dryRun ? ' open' : ''}><summary>收件人（${r.sends.length}）</summary><ul class="job-sends">${r.sends.map((l) => `<li>${esc(l)}</li>`).join('')}</ul></details>` : '';
    jobLog(`<b>${esc(r.label)}</b>${dryRun ? '（预览）' : ''} · ${fmtTime(r.at, true)}${summary}${sends}
      <details><summary>原始结果</summary><pre>${esc(JSON.stringify(r.result, null, 2))}</pre></details>`);
    toast(`已运行「${r.label}」${dryRun ? '（预览，未发送）' : ''}`, 'success');
  } catch (err) {
    jobLog(`<b>${esc(label)}</b> · ${esc(err.message)}`, false);
    toast(err.message, 'error');
  } finally {
    $('#job-run').disabled = !state.jobsEnabled;
  }
}

// --- live events -----------------------------------------------------------------------------

function connectEvents() {
  const es = new EventSource('/api/events');
  es.addEventListener('hello', (e) => {
    setClock(JSON.parse(e.data).now);
    $('#live').className = 'live on';
    $('#live').textContent = '已连接';
    // Catch up on anything missed while disconnected.
    if (state.chatKey && state.me) openChat(state.chatKey).catch(() => {});
  });
  es.addEventListener('message', (e) => {
    const m = JSON.parse(e.data);
    if (!upsertMessage(m) && belongsToMe(m.chatId) && !(m.sender.type === 'user' && m.sender.openId === state.me?.openId)) {
      state.unread.set(m.chatId, (state.unread.get(m.chatId) ?? 0) + 1);
      renderChatList();
    }
  });
  es.addEventListener('update', (e) => upsertMessage(JSON.parse(e.data), { flash: true }));
  es.addEventListener('delivery', (e) => {
    const d = JSON.parse(e.data);
    systemNote(d.chatId, `⚠ ${d.text}`);
  });
  es.addEventListener('clock', (e) => setClock(JSON.parse(e.data).now));
  es.onerror = () => {
    $('#live').className = 'live off';
    $('#live').textContent = '重新连接中…';
  };
}

// --- start -----------------------------------------------------------------------------------

async function main() {
  const s = await api('GET', '/api/state');
  Object.assign(state, { tenantName: s.tenantName, bot: s.bot, people: s.people, chats: s.chats, jobs: s.jobs, jobsEnabled: s.jobsEnabled });
  setClock(s.now);
  setInterval(tickClock, 1000);
  $('#tenant').textContent = s.tenantName;
  $('#mention-label').textContent = `@${s.bot.name}`;
  fillWho();
  $('#job-select').innerHTML = s.jobs.map((j) => `<option value="${esc(j.name)}">${esc(j.label)}（${esc(j.name)}）</option>`).join('');
  $('#job-run').disabled = !s.jobsEnabled;
  if (!s.jobsEnabled) $('#job-hint').textContent = '本次启动没有接入定时任务。';
  $('#clock-input').value = localInputValue(sandboxNow());

  $('#who').addEventListener('change', (e) => setMe(e.target.value));
  $('#chats').addEventListener('click', (e) => {
    const li = e.target.closest('.chat-item');
    if (li) openChat(li.dataset.chatId);
  });
  $('#send').addEventListener('click', send);
  $('#file').addEventListener('change', (e) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) sendFile(file);
  });
  $('#input').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  });
  for (const type of ['input', 'change']) $('#messages').addEventListener(type, (e) => e.target.classList?.remove('invalid'));
  $('#messages').addEventListener('click', (e) => {
    const btn = e.target.closest('button.card-btn');
    if (btn && !btn.disabled) onCardClick(btn);
    const recall = e.target.closest('button.recall-btn');
    if (recall) recallMessage(recall.closest('.msg').dataset.messageId);
  });
  $('#clock-jump').addEventListener('click', () => {
    const v = $('#clock-input').value;
    if (!v) return toast('请选择要跳转到的时间', 'warning');
    jumpClock(v);
  });
  $('#clock-reset').addEventListener('click', () => jumpClock('now'));
  for (const b of document.querySelectorAll('[data-preset]')) b.addEventListener('click', () => ($('#clock-input').value = b.dataset.preset));
  $('#job-run').addEventListener('click', runJob);

  const wanted = params.get('as') ?? localStorage.getItem('taizhang.sandbox.me');
  if (params.get('chat')) state.chatKey = params.get('chat');
  setMe(wanted && byOpenId(wanted) ? wanted : (s.people.find((p) => p.roles.includes('联络员') && !p.isOffice) ?? s.people[0]).openId);
  connectEvents();
  document.body.dataset.ready = '1';
}

main().catch((err) => {
  document.body.dataset.ready = 'error';
  toast(`沙箱页面加载失败：${err.message}`, 'error');
});
