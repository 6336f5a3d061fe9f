// Opens the console's WebSocket the moment the page is there, before noVNC (a larger script) has loaded, so that the
// handshake with the guest's display overlaps the download. What arrives early is held until noVNC takes the socket.
(function () {
  'use strict';

  // A WebSocket as noVNC uses a raw channel: send, close, binaryType, readyState, protocol and the on* handlers.
  class EarlySocket {
    constructor(url) {
      this.socket = new WebSocket(url);
      this.socket.binaryType = 'arraybuffer';
      this.held = [];
      this.handleMessage = null;
      this.onopen = null;
      this.onclose = null;
      this.onerror = null;
      this.closeEvent = null; // the proxy's close code and reason, for the page to show
      this.socket.onmessage = (event) => (this.handleMessage ? this.handleMessage(event) : this.held.push(event));
      this.socket.onopen = (event) => this.onopen && this.onopen(event);
      this.socket.onclose = (event) => {
        this.closeEvent = event;
        if (this.onclose) this.onclose(event);
      };
      this.socket.onerror = (event) => this.onerror && this.onerror(event);
    }

    get onmessage() { return this.handleMessage; }

    // noVNC attaches, then starts its handshake; the held messages follow once it has (a microtask later)
    set onmessage(handler) {
      this.handleMessage = handler;
      const held = this.held.splice(0);
      queueMicrotask(() => held.forEach((event) => handler(event)));
    }

    get readyState() { return this.socket.readyState; }
    get protocol() { return this.socket.protocol; }
    get binaryType() { return this.socket.binaryType; }
    set binaryType(type) { this.socket.binaryType = type; }
    send(data) { this.socket.send(data); }
    close(code, reason) { this.socket.close(code, reason); }
  }

  const screen = document.getElementById('screen');
  const path = screen && screen.dataset.ticketPath;
  window.VirtdeckConsole = {
    EarlySocket: EarlySocket,
    first: path ? new EarlySocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + path) : null
  };
})();
