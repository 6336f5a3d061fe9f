// The serial console page: xterm.js on the console WebSocket, whose bytes are the guest's serial port's, both ways.
// Bundled with xterm.js into one file by build.mjs. A ticket opens one connection; every reconnect asks for a fresh
// one. libvirt lets one client hold a guest's console: while someone else holds it the proxy says who (close code
// 4009), and whoever may operate the guest is offered to take it over.
import { Terminal } from '@xterm/xterm';

const screen = document.getElementById('terminal');
const connection = document.getElementById('connection');
const problem = document.getElementById('console-problem');
const powerState = document.getElementById('power-state');
const hostName = document.getElementById('host-name');
const takeOver = document.getElementById('take-over');
const csrfToken = document.querySelector('meta[name="_csrf"]').content;
const csrfHeader = document.querySelector('meta[name="_csrf_header"]').content;

const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 3000, 3000, 5000, 5000, 5000, 5000];
const STATE_TEXT = { RUNNING: 'Running', PAUSED: 'Paused', SHUTOFF: 'Shut off', CRASHED: 'Crashed',
  MIGRATING: 'Migrating', UNKNOWN: 'Unknown' };
// close codes of Virtdeck's proxy, with a reason for a person; none of these reconnects by itself
const CLOSED_BY_ADMIN = 4001;
const REFUSED = 4003;
const TAKEN_OVER = 4005;
const BUSY = 4009;
const FINAL = [CLOSED_BY_ADMIN, REFUSED, TAKEN_OVER, BUSY];

// Virtdeck's pages allow no inline styles (CSP style-src 'self'), and xterm.js's DOM renderer sets its cells' font,
// size and colours in <style> elements it writes into the terminal, which the browser then ignores. Their rules are
// copied into constructed style sheets (which the policy does not concern), and kept up to date as xterm.js rewrites
// them (on a resize or a theme change).
function adoptInlineStyles(root) {
  const sheets = new Map();
  const sync = (element) => {
    let sheet = sheets.get(element);
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheets.set(element, sheet);
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    }
    sheet.replaceSync(element.textContent);
  };
  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      const target = mutation.target.nodeType === Node.TEXT_NODE ? mutation.target.parentNode : mutation.target;
      if (target && target.tagName === 'STYLE') sync(target);
      mutation.addedNodes.forEach((node) => {
        if (node.tagName === 'STYLE') sync(node);
        if (node.querySelectorAll) node.querySelectorAll('style').forEach(sync);
      });
    }
  }).observe(root, { subtree: true, childList: true, characterData: true });
}
adoptInlineStyles(screen);

const term = new Terminal({
  cursorBlink: true, scrollback: 5000, fontSize: 15,
  fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
  theme: { background: '#111111', foreground: '#e6e6e6' }
});
term.open(screen);
const encoder = new TextEncoder();
let socket = null;
let retries = 0;
let retryTimer = null;
let stopped = false; // the user disconnected, or a final close: no reconnecting until asked
let lastState = null;

// for the browser test and the curious: the terminal's text as xterm's buffer has it
window.VirtdeckSerial = {
  terminal: term,
  text() {
    const buffer = term.buffer.active;
    const lines = [];
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i).translateToString(true));
    return lines.join('\n');
  }
};

// The terminal fills the space under the toolbar: as many cells as fit (a serial port has no window size of its own).
function fit() {
  const cell = term._core && term._core._renderService && term._core._renderService.dimensions.css.cell;
  const width = cell && cell.width ? cell.width : 9;
  const height = cell && cell.height ? cell.height : 18;
  const cols = Math.max(20, Math.floor((screen.clientWidth - 8) / width));
  const rows = Math.max(5, Math.floor((screen.clientHeight - 4) / height));
  if (cols !== term.cols || rows !== term.rows) term.resize(cols, rows);
}
new ResizeObserver(() => fit()).observe(screen);

const disconnect = document.getElementById('disconnect');

function say(text, kind) {
  connection.textContent = text;
  connection.dataset.state = kind;
  disconnect.disabled = kind === 'disconnected'; // nothing to let go of
}

function showProblem(text) {
  problem.textContent = text || '';
  problem.hidden = !text;
}

function webSocketUrl(path) {
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + path;
}

async function freshTicketPath(force) {
  const response = await fetch(screen.dataset.ticketUrl + (force ? '?force=true' : ''), {
    method: 'POST', credentials: 'same-origin', headers: { [csrfHeader]: csrfToken, Accept: 'application/json' }
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body.message || 'The serial console could not be opened (HTTP ' + response.status + ').');
    error.final = response.status === 403 || response.status === 404;
    throw error;
  }
  return body.url;
}

function connect(ticketPath) {
  clearTimeout(retryTimer);
  stopped = false;
  say('Connecting…', 'connecting');
  const ws = new WebSocket(webSocketUrl(ticketPath));
  ws.binaryType = 'arraybuffer';
  socket = ws;
  ws.onopen = () => {
    retries = 0;
    showProblem('');
    if (takeOver) takeOver.hidden = true;
    say('Connected', 'connected');
    term.focus();
    // a line feed: the guest's shell answers with its prompt, so the operator sees where it stands
    ws.send(encoder.encode('\r'));
  };
  ws.onmessage = (event) => term.write(new Uint8Array(event.data));
  ws.onclose = (event) => {
    if (socket === ws) socket = null;
    if (event.reason) showProblem(event.reason);
    if (stopped) {
      say('Disconnected', 'disconnected');
      return;
    }
    if (FINAL.includes(event.code)) {
      stopped = true;
      say(event.code === BUSY ? 'In use by someone else' : 'Disconnected', 'disconnected');
      if (takeOver && (event.code === BUSY || event.code === TAKEN_OVER)) takeOver.hidden = false;
      return;
    }
    say('Connection lost: reconnecting…', 'disconnected');
    scheduleReconnect();
  };
}

function send(data) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(data);
}
term.onData((data) => send(encoder.encode(data)));
term.onBinary((data) => send(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff)));

function scheduleReconnect() {
  if (retries >= RETRY_DELAYS_MS.length) {
    say('Disconnected: use Reconnect to try again', 'disconnected');
    return;
  }
  retryTimer = setTimeout(() => reconnect(false), RETRY_DELAYS_MS[retries++]);
}

async function reconnect(force) {
  clearTimeout(retryTimer);
  retryTimer = null;
  if (socket) {
    stopped = true;
    socket.close(1000, 'reconnecting');
    socket = null;
  }
  try {
    connect(await freshTicketPath(force));
  } catch (error) {
    showProblem(error.message);
    say('Not connected', 'disconnected');
    if (!error.final) scheduleReconnect();
  }
}

async function refreshStatus() {
  try {
    const response = await fetch(screen.dataset.statusUrl, { credentials: 'same-origin' });
    if (!response.ok) return;
    const status = await response.json();
    const badge = powerState.firstElementChild;
    badge.textContent = STATE_TEXT[status.state] || status.state;
    badge.className = 'badge state-' + status.state.toLowerCase();
    hostName.textContent = status.hostName;
    const runs = status.state === 'RUNNING' || status.state === 'PAUSED';
    if (runs && lastState !== null && lastState !== status.state && !socket && !retryTimer && !stopped) {
      retries = 0;
      reconnect(false);
    }
    lastState = status.state;
  } catch (error) {
    // the next refresh tries again
  }
}

disconnect.addEventListener('click', () => {
  clearTimeout(retryTimer);
  retryTimer = null;
  stopped = true;
  if (socket) socket.close(1000, 'The user disconnected.');
  say('Disconnected', 'disconnected');
});
document.getElementById('reconnect').addEventListener('click', () => {
  retries = 0;
  reconnect(false);
});
if (takeOver) {
  takeOver.addEventListener('click', () => {
    retries = 0;
    reconnect(true);
  });
}

setInterval(refreshStatus, 3000);
fit();
if (screen.dataset.ticketPath) {
  connect(screen.dataset.ticketPath);
}
