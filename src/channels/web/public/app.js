// Web chat for "Trợ lý ảo Chuyển đổi số Bắc Giang".
// Talks to POST /api/chat {userId, text} → {replies:[{text, buttons:[{title,payload}]}], intent, sources:[…], confidence}.
// Server text is never parsed as HTML: every bubble is built from text nodes and elements.

const MAX_CHARS = 1000;
const MAX_HISTORY = 200;
const STORAGE_USER = 'bg-cds-chat:userId';
const STORAGE_HISTORY = 'bg-cds-chat:history';
const STORAGE_INBOX_AFTER = 'bg-cds-chat:inboxAfter';
const INBOX_POLL_MS = 3000;
const BUSY_TEXT = 'Dạ, hệ thống đang bận, anh/chị thử lại sau ít phút ạ.';
const REQUEST_TIMEOUT_MS = 60_000;

const WELCOME_TEXT =
  'Dạ, em chào anh/chị! Em là trợ lý ảo chuyển đổi số, trả lời theo các kế hoạch của tỉnh Bắc Giang (nay thuộc tỉnh Bắc Ninh từ 01/7/2025).\n' +
  'Anh/chị có thể hỏi em về kế hoạch chuyển đổi số, thủ tục hành chính trực tuyến, ' +
  'nhiệm vụ của các sở, ngành — hoặc chọn một mục dưới đây ạ.';
const WELCOME_BUTTONS = [
  { title: 'Thủ tục trực tuyến', payload: '#menu:tthc' },
  { title: 'Kế hoạch CĐS', payload: '#menu:plan' },
  { title: 'Nhiệm vụ sở, ngành', payload: '#menu:agency' },
  { title: 'Gặp cán bộ', payload: '#menu:handoff' },
];

const els = {
  log: /** @type {HTMLOListElement} */ (document.getElementById('chat-log')),
  scroll: /** @type {HTMLElement} */ (document.getElementById('chat-scroll')),
  typing: /** @type {HTMLElement} */ (document.getElementById('typing')),
  form: /** @type {HTMLFormElement} */ (document.getElementById('chat-form')),
  input: /** @type {HTMLTextAreaElement} */ (document.getElementById('chat-input')),
  send: /** @type {HTMLButtonElement} */ (document.getElementById('send')),
  count: /** @type {HTMLElement} */ (document.getElementById('char-count')),
  newChat: /** @type {HTMLButtonElement} */ (document.getElementById('new-chat')),
};

// ---------- storage (localStorage may be unavailable: private mode, quota) ----------

function storageGet(key) {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function storageSet(key, value) {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    /* history simply is not kept */
  }
}

function storageRemove(key) {
  try {
    window.localStorage.removeItem(key);
  } catch {
    /* ignore */
  }
}

function randomId() {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function getUserId() {
  let id = storageGet(STORAGE_USER);
  if (!id || id.length > 128) {
    id = `web-${randomId()}`;
    storageSet(STORAGE_USER, id);
  }
  return id;
}

/**
 * History entries:
 *   {role:'user', text}
 *   {role:'assistant', text, buttons:[{title,payload}], sources?:[{doc,title,section,date,lines}]}
 */
function loadHistory() {
  const raw = storageGet(STORAGE_HISTORY);
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (e) => e && typeof e === 'object' && (e.role === 'user' || e.role === 'assistant' || e.role === 'staff' || e.role === 'note') && typeof e.text === 'string',
    );
  } catch {
    return [];
  }
}

let history = loadHistory();

function saveHistory() {
  if (history.length > MAX_HISTORY) history = history.slice(-MAX_HISTORY);
  storageSet(STORAGE_HISTORY, JSON.stringify(history));
}

// ---------- rendering ----------

const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/giu;
const TRAILING_PUNCT_RE = /[.,;:!?…)\]}'"»”]+$/u;

/** Appends `text` to `parent` as text nodes, with http(s) links as safe anchors. */
function appendLinkified(parent, text) {
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    let url = match[0];
    const start = match.index ?? 0;
    // Keep closing punctuation out of the link, except a ")" that closes a "(" inside it.
    const trail = url.match(TRAILING_PUNCT_RE);
    if (trail) {
      let cut = trail[0];
      if (cut.startsWith(')') && url.includes('(')) cut = cut.slice(1);
      url = url.slice(0, url.length - cut.length);
    }
    const safe = safeHttpUrl(url);
    if (!safe) continue;
    if (start > last) parent.append(document.createTextNode(text.slice(last, start)));
    const a = document.createElement('a');
    a.href = safe;
    a.textContent = url;
    a.target = '_blank';
    a.rel = 'noopener noreferrer nofollow';
    parent.append(a);
    last = start + url.length;
  }
  if (last < text.length) parent.append(document.createTextNode(text.slice(last)));
}

function safeHttpUrl(value) {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

function safeTelUrl(value) {
  const m = /^tel:([+0-9 ().-]{3,30})$/u.exec(value);
  return m ? `tel:${m[1].replace(/[^+0-9]/gu, '')}` : null;
}

function scrollToBottom() {
  // After layout, so new bubbles are measured.
  requestAnimationFrame(() => {
    els.scroll.scrollTop = els.scroll.scrollHeight;
  });
}

function addItem(className) {
  const li = document.createElement('li');
  li.className = `msg ${className}`;
  els.log.append(li);
  return li;
}

function renderUser(text) {
  const li = addItem('msg-user');
  const who = document.createElement('span');
  who.className = 'visually-hidden';
  who.textContent = 'Anh/chị: ';
  const bubble = document.createElement('div');
  bubble.className = 'bubble';
  bubble.append(who);
  appendLinkified(bubble, text);
  li.append(bubble);
  scrollToBottom();
  return li;
}

/** An assistant bubble with optional chips and sources. */
function renderAssistant(entry, opts = {}) {
  const li = addItem(opts.notice ? 'msg-assistant msg-notice' : 'msg-assistant');
  const bubble = document.createElement('div');
  bubble.className = 'bubble';
  const who = document.createElement('span');
  who.className = 'visually-hidden';
  who.textContent = 'Trợ lý: ';
  const body = document.createElement('div');
  body.className = 'bubble-text';
  appendLinkified(body, entry.text);
  bubble.append(who, body);

  const sources = dedupeSources(entry.sources);
  if (sources.length > 0) bubble.append(renderSources(sources));
  li.append(bubble);

  const buttons = Array.isArray(entry.buttons) ? entry.buttons : [];
  if (buttons.length > 0) li.append(renderChips(buttons));
  if (entry.messageId && entry.askFeedback) li.append(renderFeedback(entry));
  scrollToBottom();
  return li;
}

/** A staff member's reply during a handoff, marked as such. */
function renderStaff(entry) {
  const li = addItem('msg-assistant msg-staff');
  const bubble = document.createElement('div');
  bubble.className = 'bubble';
  const who = document.createElement('span');
  who.className = 'staff-label';
  who.textContent = entry.staff ? `Cán bộ ${entry.staff}` : 'Cán bộ';
  const body = document.createElement('div');
  body.className = 'bubble-text';
  appendLinkified(body, entry.text);
  bubble.append(who, body);
  li.append(bubble);
  scrollToBottom();
  return li;
}

/** A small line under the user's message ("đã chuyển cho cán bộ"). */
function renderNote(text) {
  const li = addItem('msg-note');
  li.textContent = text;
  scrollToBottom();
  return li;
}

/** 👍/👎 under an answer; 👎 opens an optional short comment. */
function renderFeedback(entry) {
  const wrap = document.createElement('div');
  wrap.className = 'feedback';
  const label = document.createElement('span');
  label.className = 'feedback-label';
  label.textContent = 'Câu trả lời có hữu ích không?';
  const up = document.createElement('button');
  up.type = 'button';
  up.className = 'feedback-btn';
  up.dataset.rating = 'up';
  up.textContent = '👍';
  up.setAttribute('aria-label', 'Hữu ích');
  const down = document.createElement('button');
  down.type = 'button';
  down.className = 'feedback-btn';
  down.dataset.rating = 'down';
  down.textContent = '👎';
  down.setAttribute('aria-label', 'Chưa hữu ích');
  wrap.append(label, up, down);
  const done = (text) => {
    wrap.replaceChildren();
    const thanks = document.createElement('span');
    thanks.className = 'feedback-label';
    thanks.textContent = text;
    wrap.append(thanks);
  };
  if (entry.rated) {
    done('Cảm ơn anh/chị đã góp ý.');
    return wrap;
  }
  up.addEventListener('click', () => {
    void sendFeedback(entry, 'up').then((ok) => done(ok ? 'Cảm ơn anh/chị đã góp ý.' : 'Chưa gửi được góp ý, anh/chị thử lại sau.'));
  });
  down.addEventListener('click', () => {
    const form = document.createElement('form');
    form.className = 'feedback-form';
    const field = document.createElement('textarea');
    field.className = 'feedback-comment';
    field.maxLength = 500;
    field.rows = 2;
    field.placeholder = 'Góp ý thêm (không bắt buộc)…';
    field.setAttribute('aria-label', 'Góp ý thêm về câu trả lời');
    const submit = document.createElement('button');
    submit.type = 'submit';
    submit.className = 'chip';
    submit.textContent = 'Gửi góp ý';
    form.append(field, submit);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void sendFeedback(entry, 'down', field.value).then((ok) => done(ok ? 'Cảm ơn anh/chị, cán bộ sẽ xem lại câu trả lời này.' : 'Chưa gửi được góp ý, anh/chị thử lại sau.'));
    });
    wrap.replaceChildren(label, form);
    field.focus();
  });
  return wrap;
}

async function sendFeedback(entry, rating, comment) {
  try {
    const body = { userId, messageId: entry.messageId, rating };
    if (comment && comment.trim()) body.comment = comment.trim();
    const res = await fetch('/api/feedback', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) return false;
    entry.rated = rating;
    saveHistory();
    return true;
  } catch {
    return false;
  }
}

function dedupeSources(sources) {
  if (!Array.isArray(sources)) return [];
  const seen = new Set();
  const out = [];
  for (const s of sources) {
    if (!s || typeof s !== 'object') continue;
    const title = String(s.title || s.doc || '').trim();
    if (!title) continue;
    const key = `${title}|${s.section ?? ''}|${s.date ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ doc: String(s.doc ?? ''), title, section: String(s.section ?? ''), date: String(s.date ?? ''), lines: s.lines ? String(s.lines) : '' });
  }
  return out;
}

function renderSources(sources) {
  const details = document.createElement('details');
  details.className = 'sources';
  const summary = document.createElement('summary');
  summary.textContent = `Nguồn (${sources.length})`;
  const list = document.createElement('ul');
  for (const s of sources) {
    const item = document.createElement('li');
    const title = document.createElement('span');
    title.className = 'source-title';
    title.textContent = s.title;
    item.append(title);
    if (s.date) item.append(document.createTextNode(` (${s.date})`));
    if (s.section) item.append(document.createTextNode(` — ${s.section}`));
    const hint = [s.doc, s.lines ? `dòng ${s.lines}` : ''].filter(Boolean).join(', ');
    if (hint) item.title = hint;
    list.append(item);
  }
  details.append(summary, list);
  return details;
}

function renderChips(buttons) {
  const wrap = document.createElement('div');
  wrap.className = 'chips';
  wrap.setAttribute('role', 'group');
  wrap.setAttribute('aria-label', 'Gợi ý');
  for (const b of buttons) {
    if (!b || typeof b.title !== 'string' || typeof b.payload !== 'string') continue;
    const href = /^https?:\/\//iu.test(b.payload) ? safeHttpUrl(b.payload) : safeTelUrl(b.payload);
    if (href) {
      const a = document.createElement('a');
      a.className = 'chip chip-link';
      a.href = href;
      a.textContent = b.title;
      if (href.startsWith('http')) {
        a.target = '_blank';
        a.rel = 'noopener noreferrer nofollow';
      }
      wrap.append(a);
      continue;
    }
    const chip = document.createElement('button');
    chip.type = 'button';
    chip.className = 'chip';
    chip.textContent = b.title;
    chip.addEventListener('click', () => {
      void send({ text: b.payload, shown: b.title, fromChip: true });
    });
    wrap.append(chip);
  }
  return wrap;
}

function renderWelcome() {
  renderAssistant({ text: WELCOME_TEXT, buttons: WELCOME_BUTTONS }).classList.add('msg-welcome');
}

function renderAll() {
  els.log.replaceChildren();
  renderWelcome();
  for (const entry of history) {
    if (entry.role === 'user') renderUser(entry.text);
    else if (entry.role === 'staff') renderStaff(entry);
    else if (entry.role === 'note') renderNote(entry.text);
    else renderAssistant(entry);
  }
}

// ---------- sending ----------

let pending = false;

function setPending(on) {
  pending = on;
  els.typing.hidden = !on;
  els.send.disabled = on;
  els.form.setAttribute('aria-busy', on ? 'true' : 'false');
  if (on) scrollToBottom();
}

function updateCount() {
  const n = els.input.value.length;
  els.count.textContent = `${n}/${MAX_CHARS}`;
  els.count.classList.toggle('near-limit', n >= MAX_CHARS * 0.9);
}

function autoGrow() {
  els.input.style.height = 'auto';
  els.input.style.height = `${Math.min(els.input.scrollHeight, 160)}px`;
}

function setInput(text) {
  els.input.value = text;
  updateCount();
  autoGrow();
}

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function postChat(text) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    await session;
    const res = await fetch('/api/chat', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ userId, text }),
      signal: controller.signal,
    });
    let data = null;
    try {
      data = await res.json();
    } catch {
      data = null;
    }
    if (!res.ok) {
      const message = data && typeof data.error === 'string' ? data.error : `HTTP ${res.status}`;
      throw new HttpError(res.status, message);
    }
    if (!data || !Array.isArray(data.replies)) throw new HttpError(502, 'invalid response');
    return data;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Sends one message. `text` goes to the server; `shown` is what the user's bubble says
 * (a chip shows its title, sends its payload).
 */
async function send({ text, shown, fromChip }) {
  if (pending) return;
  const trimmed = text.trim();
  if (!trimmed) {
    els.input.focus();
    return;
  }
  if (trimmed.length > MAX_CHARS) return;

  const typed = fromChip ? null : els.input.value;
  const userEntry = { role: 'user', text: shown ?? trimmed };
  const userLi = renderUser(userEntry.text);
  if (!fromChip) setInput('');
  setPending(true);

  try {
    const data = await postChat(trimmed);
    history.push(userEntry);
    const replies = data.replies.filter((r) => r && typeof r.text === 'string' && r.text.trim() !== '');
    if (data.intent === 'handoff_open' && replies.length === 0) {
      // A staff member has the conversation: the message went to them, the assistant stays silent.
      const note = { role: 'note', text: 'Đã chuyển tin nhắn cho cán bộ' };
      history.push(note);
      renderNote(note.text);
      saveHistory();
      watchStaffInbox();
      return;
    }
    if (replies.length === 0) replies.push({ text: 'Dạ, em chưa có câu trả lời cho câu hỏi này ạ.', buttons: [] });
    replies.forEach((r, i) => {
      const entry = {
        role: 'assistant',
        text: r.text,
        buttons: Array.isArray(r.buttons) ? r.buttons.filter((b) => b && typeof b.title === 'string' && typeof b.payload === 'string') : [],
      };
      // Sources belong to the answer as a whole: shown under its last bubble.
      if (i === replies.length - 1 && Array.isArray(data.sources) && data.sources.length > 0) entry.sources = data.sources;
      if (i === replies.length - 1 && typeof data.messageId === 'string') {
        entry.messageId = data.messageId;
        entry.askFeedback = data.askFeedback === true;
      }
      history.push(entry);
      renderAssistant(entry);
    });
    saveHistory();
    if (data.intent === 'quiz') watchQuizInbox();
    if (data.intent === 'handoff') watchStaffInbox();
  } catch (error) {
    // Not delivered: the question is not kept in history; the typed text goes back in the box.
    userLi.classList.add('msg-failed');
    const status = error instanceof HttpError ? error.status : 0;
    const notice =
      status === 429
        ? error.message
        : status >= 400 && status < 500
        ? `Dạ, em chưa nhận được câu hỏi này: ${error.message}. Anh/chị kiểm tra lại giúp em ạ.`
        : BUSY_TEXT;
    renderAssistant({ text: notice, buttons: [] }, { notice: true });
    if (typed !== null && els.input.value === '') setInput(typed);
  } finally {
    setPending(false);
    if (!fromChip || document.activeElement === document.body) els.input.focus();
  }
}

// ---------- trainer sessions: questions and results pushed by the server ----------

let quizTimer = null;

function watchQuizInbox() {
  if (quizTimer === null) quizTimer = setInterval(() => void pollQuizInbox(), 2000);
}

/** Shows what a quiz session pushed (GET /api/quiz/inbox); stops polling once the user is in no session. */
async function pollQuizInbox() {
  try {
    await session;
    const res = await fetch(`/api/quiz/inbox?userId=${encodeURIComponent(userId)}`, { headers: { Accept: 'application/json' } });
    if (!res.ok) return;
    const data = await res.json();
    const replies = Array.isArray(data.replies) ? data.replies.filter((r) => r && typeof r.text === 'string' && r.text.trim() !== '') : [];
    for (const r of replies) {
      const entry = { role: 'assistant', text: r.text, buttons: Array.isArray(r.buttons) ? r.buttons.filter((b) => b && typeof b.title === 'string' && typeof b.payload === 'string') : [] };
      history.push(entry);
      renderAssistant(entry);
    }
    if (replies.length > 0) saveHistory();
    if (data.active) watchQuizInbox();
    else if (quizTimer !== null) {
      clearInterval(quizTimer);
      quizTimer = null;
    }
  } catch {
    /* offline for a moment: the next tick tries again */
  }
}

// ---------- handoff: staff replies and notices (GET /api/chat/inbox) ----------

let staffTimer = null;

function watchStaffInbox() {
  if (staffTimer === null) staffTimer = setInterval(() => void pollStaffInbox(), INBOX_POLL_MS);
}

/** Shows what staff (or the assistant, on closing) sent since last time; stops once no request is open. */
async function pollStaffInbox() {
  try {
    const after = Number(storageGet(STORAGE_INBOX_AFTER) ?? '0') || 0;
    const res = await fetch(`/api/chat/inbox?userId=${encodeURIComponent(userId)}&after=${after}`, { headers: { Accept: 'application/json' } });
    if (!res.ok) return;
    const data = await res.json();
    const messages = Array.isArray(data.messages) ? data.messages.filter((m) => m && typeof m.text === 'string' && typeof m.id === 'number') : [];
    for (const m of messages) {
      const entry = m.from === 'staff' ? { role: 'staff', text: m.text, staff: typeof m.staff === 'string' ? m.staff : '' } : { role: 'assistant', text: m.text, buttons: [] };
      history.push(entry);
      if (entry.role === 'staff') renderStaff(entry);
      else renderAssistant(entry);
    }
    if (messages.length > 0) {
      storageSet(STORAGE_INBOX_AFTER, String(messages[messages.length - 1].id));
      saveHistory();
    }
    if (data.handoff) watchStaffInbox();
    else if (staffTimer !== null) {
      clearInterval(staffTimer);
      staffTimer = null;
    }
  } catch {
    /* offline for a moment: the next tick tries again */
  }
}

// ---------- wiring ----------

const userId = getUserId();
// The server's signed HTTP-only cookie is who this browser is (the userId above is only a
// label the API contract requires): ask for it once, before the first message.
const session = fetch('/api/session', { method: 'POST', headers: { Accept: 'application/json' } }).catch(() => undefined);

els.form.addEventListener('submit', (event) => {
  event.preventDefault();
  void send({ text: els.input.value, fromChip: false });
});

els.input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    void send({ text: els.input.value, fromChip: false });
  }
});

els.input.addEventListener('input', () => {
  updateCount();
  autoGrow();
});

els.newChat.addEventListener('click', () => {
  if (pending) return;
  history = [];
  storageRemove(STORAGE_HISTORY);
  renderAll();
  setInput('');
  els.input.focus();
});

renderAll();
updateCount();
void pollQuizInbox();
void pollStaffInbox();
els.input.setAttribute('maxlength', String(MAX_CHARS));
