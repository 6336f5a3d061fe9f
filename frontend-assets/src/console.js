// The console page: noVNC's RFB core on the console WebSocket, with our toolbar. Bundled with noVNC into one file
// by build.mjs (one request instead of some thirty modules: the screen shows sooner). A ticket opens one connection;
// every reconnect (also after the guest migrated to another host) asks for a fresh one.
import RFB from '@novnc/novnc';

document.documentElement.dataset.scriptMs = performance.now().toFixed(0);
const screen = document.getElementById('screen');
const connection = document.getElementById('connection');
const problem = document.getElementById('console-problem');
const powerState = document.getElementById('power-state');
const hostName = document.getElementById('host-name');
const scale = document.getElementById('scale');
const csrfToken = document.querySelector('meta[name="_csrf"]').content;
const csrfHeader = document.querySelector('meta[name="_csrf_header"]').content;

const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 3000, 3000, 5000, 5000, 5000, 5000];
const STATE_TEXT = { RUNNING: 'Running', PAUSED: 'Paused', SHUTOFF: 'Shut off', CRASHED: 'Crashed',
  MIGRATING: 'Migrating', UNKNOWN: 'Unknown' };

let rfb = null;
let retries = 0;
let retryTimer = null;
let closedByAdmin = false;
let reconnecting = false;
let lastState = null;

function say(text, kind) {
  connection.textContent = text;
  connection.dataset.state = kind;
}

function showProblem(text) {
  problem.textContent = text || '';
  problem.hidden = !text;
}

function webSocketUrl(path) {
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + path;
}

// the first connection was opened by console-connect.js while this script loaded
let early = window.VirtdeckConsole && window.VirtdeckConsole.first;

async function freshTicketPath() {
  const response = await fetch(screen.dataset.ticketUrl, {
    method: 'POST', credentials: 'same-origin', headers: { [csrfHeader]: csrfToken, Accept: 'application/json' }
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body.message || 'The console could not be opened (HTTP ' + response.status + ').');
    error.final = response.status === 403 || response.status === 404;
    throw error;
  }
  return body.url;
}

// Close codes Virtdeck's proxy uses; the reason comes with them.
const CLOSED_BY_ADMIN = 4001;
const REFUSED = 4003;

function connect(ticketPath) {
  clearTimeout(retryTimer);
  say('Connecting…', 'connecting');
  // our own socket, handed to noVNC, so that the proxy's close code and reason can be shown
  const socket = early || new window.VirtdeckConsole.EarlySocket(webSocketUrl(ticketPath));
  early = null;
  rfb = new RFB(screen, socket);
  rfb.scaleViewport = scale.checked;
  rfb.background = '#111';
  rfb.addEventListener('connect', () => {
    retries = 0;
    showProblem('');
    say('Connected', 'connected');
    document.documentElement.dataset.connectedMs ||= performance.now().toFixed(0);
    rfb.focus();
    markFirstFrame();
  });
  rfb.addEventListener('disconnect', () => {
    rfb = null;
    const closed = socket.closeEvent;
    if (closed && closed.reason) {
      showProblem(closed.reason);
    }
    if (closed && (closed.code === CLOSED_BY_ADMIN || closed.code === REFUSED)) {
      closedByAdmin = closed.code === CLOSED_BY_ADMIN;
      say('Disconnected', 'disconnected');
      return;
    }
    say('Connection lost: reconnecting…', 'disconnected');
    scheduleReconnect();
  });
  rfb.addEventListener('securityfailure', (event) => {
    showProblem('The guest\'s display refused the connection: ' + (event.detail.reason || 'no reason given'));
  });
}

// Follows the guest: a display that went away (migration, reboot of the VNC server) is reconnected with a new ticket,
// sooner at first, and no more once the guest is shut off.
function scheduleReconnect() {
  if (retries >= RETRY_DELAYS_MS.length) {
    say('Disconnected: use Reconnect to try again', 'disconnected');
    return;
  }
  const delay = RETRY_DELAYS_MS[retries++];
  retryTimer = setTimeout(reconnect, delay);
}

async function reconnect() {
  clearTimeout(retryTimer);
  retryTimer = null;
  if (rfb) {
    rfb.disconnect(); // its disconnect event schedules the next attempt
    return;
  }
  if (reconnecting) {
    return;
  }
  reconnecting = true;
  try {
    connect(await freshTicketPath());
  } catch (error) {
    showProblem(error.message);
    say('Not connected', 'disconnected');
    if (!error.final) {
      scheduleReconnect();
    }
  } finally {
    reconnecting = false;
  }
}

// For the browser test's figure "page opened -> first guest frame on screen": the first time the canvas holds a
// non-black pixel, the time since navigation started is written on the document.
function markFirstFrame() {
  const canvas = screen.querySelector('canvas');
  if (!canvas || document.documentElement.dataset.firstFrameMs) {
    return;
  }
  const context = canvas.getContext('2d', { willReadFrequently: true });
  const check = () => {
    if (canvas.width > 0 && canvas.height > 0) {
      const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i] || pixels[i + 1] || pixels[i + 2]) {
          document.documentElement.dataset.firstFrameMs = performance.now().toFixed(0);
          return;
        }
      }
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

// Text typed key by key; characters that need Shift on a US keyboard get it, as a person would type them.
const SHIFTED = /[A-Z~!@#$%^&*()_+{}|:"<>?]/;
const XK_SHIFT_L = 0xffe1;
function keysymOf(character) {
  if (character === '\n') return 0xff0d;
  if (character === '\t') return 0xff09;
  const code = character.codePointAt(0);
  return code < 0x100 ? code : 0x01000000 + code;
}
function typeText(text) {
  for (const character of text.replace(/\r\n?/g, '\n')) {
    const shift = SHIFTED.test(character);
    if (shift) rfb.sendKey(XK_SHIFT_L, 'ShiftLeft', true);
    rfb.sendKey(keysymOf(character), null);
    if (shift) rfb.sendKey(XK_SHIFT_L, 'ShiftLeft', false);
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
    // a guest that was shut off runs again: show it without waiting for a click
    const runs = status.state === 'RUNNING' || status.state === 'PAUSED';
    if (runs && lastState !== null && lastState !== status.state && !rfb && !retryTimer && !closedByAdmin) {
      retries = 0;
      reconnect();
    }
    lastState = status.state;
  } catch (error) {
    // the next refresh tries again
  }
}

document.getElementById('ctrl-alt-del').addEventListener('click', () => {
  if (rfb) {
    rfb.sendCtrlAltDel();
    rfb.focus();
  }
});
document.getElementById('paste-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = document.getElementById('paste-text');
  if (rfb && text.value) {
    typeText(text.value);
    text.value = '';
    event.target.closest('details').open = false;
    rfb.focus();
  }
});
scale.addEventListener('change', () => {
  if (rfb) rfb.scaleViewport = scale.checked;
});
document.getElementById('fullscreen').addEventListener('click', () => {
  if (document.fullscreenElement) {
    document.exitFullscreen();
  } else {
    document.documentElement.requestFullscreen().catch(() => showProblem('This browser refused full screen.'));
  }
});
document.getElementById('reconnect').addEventListener('click', () => {
  retries = 0;
  closedByAdmin = false;
  reconnect();
});

setInterval(refreshStatus, 3000);
if (early) {
  connect(screen.dataset.ticketPath);
}
