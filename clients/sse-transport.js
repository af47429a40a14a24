/*
 * Switchboard's `sse` Engine.IO transport for the official socket.io-client (>= 4.8).
 *
 *   server → client: one fetch() of `GET <path>?EIO=4&transport=sse`, read as a stream of
 *                    Server-Sent Events, one Engine.IO packet per event (binary as b<base64>);
 *   client → server: POST `transport=sse&sid=…`, packets joined by \x1e, as polling does.
 *
 * Node (>= 18) and bundlers:
 *   const { io } = require('socket.io-client');
 *   const { SSE, WebSocket } = require('./sse-transport.js');
 *   io(url, { transports: [SSE, WebSocket] });   // sse, upgraded to websocket
 *
 * Browsers, after the official bundle served by the server:
 *   <script src="/socket.io/socket.io.min.js"></script>
 *   <script src="/socket.io/sse-transport.js"></script>
 *   <script> const { SSE, WebSocket } = SwitchboardSSE; io({ transports: [SSE, WebSocket] }); </script>
 *
 * Why fetch and not EventSource: EventSource reconnects by itself behind Engine.IO's back,
 * cannot send headers, and is missing in Node < 22. The upgrade: once the server has
 * answered the websocket probe it writes a noop (`6`) on the stream and stops writing to
 * it; pause() completes when that noop has been seen and no POST is in flight. The noop
 * may arrive before the probe answer, so it is remembered.
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) {
    module.exports = factory(require('engine.io-client'), true);
  } else {
    root.SwitchboardSSE = factory(fromIoGlobal(root.io), false);
  }

  // The browser bundle (socket.io.min.js) exports only `io`, `Manager` and `Socket`. The
  // transport classes are found through an engine that never opens anything: with no
  // transports it only reports "No transports available" on the next tick.
  function fromIoGlobal(io) {
    if (!io || !io.Manager) throw new Error('sse-transport.js: load /socket.io/socket.io.min.js first');
    if (io.Transport && io.WebSocket) return { Transport: io.Transport, WebSocket: io.WebSocket };
    const m = new io.Manager('http://localhost', { autoConnect: false, reconnection: false, timeout: false, transports: [] });
    m.open(function () {});
    // The engine keeps its transport classes by name in a field whose name the minifier
    // mangles: look for the class whose prototype is named "websocket".
    let WS = null;
    const named = (t) => {
      try {
        return typeof t === 'function' && t.prototype && t.prototype.name === 'websocket';
      } catch (e) {
        return false;
      }
    };
    for (const k of Object.keys(m.engine || {})) {
      const v = m.engine[k];
      if (v && typeof v === 'object' && !Array.isArray(v)) for (const t of Object.values(v)) if (!WS && named(t)) WS = t;
    }
    let T = WS;
    while (T && !Object.prototype.hasOwnProperty.call(T.prototype, 'createUri')) T = Object.getPrototypeOf(T);
    if (!WS || !T) throw new Error('sse-transport.js: this socket.io-client bundle is not supported (>= 4.8 needed)');
    return { Transport: T, WebSocket: WS };
  }
})(typeof globalThis !== 'undefined' ? globalThis : this, function (eio, isNode) {
  'use strict';
  const Transport = eio.Transport;
  const WebSocket = isNode && eio.NodeWebSocket && typeof globalThis.WebSocket !== 'function' ? eio.NodeWebSocket : eio.WebSocket;
  const SEPARATOR = '\x1e';
  const TYPES = { open: '0', close: '1', ping: '2', pong: '3', message: '4', upgrade: '5', noop: '6' };

  function toBase64(bytes) {
    if (typeof Buffer === 'function') return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }

  async function encodePacket(p) {
    let d = p.data;
    if (typeof Blob === 'function' && d instanceof Blob) d = await d.arrayBuffer();
    if (d instanceof ArrayBuffer) return 'b' + toBase64(new Uint8Array(d));
    if (ArrayBuffer.isView(d)) return 'b' + toBase64(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    return TYPES[p.type] + (d === undefined ? '' : String(d));
  }

  /** Incremental text/event-stream parser (WHATWG HTML §9.2.6): lines end with CR, LF or CRLF. */
  class EventStreamParser {
    constructor(onEvent) {
      this.onEvent = onEvent;
      this.buf = '';
      this.data = null;
    }
    push(text, done) {
      this.buf += text;
      let start = 0;
      for (;;) {
        const m = /\r\n|\r|\n/g;
        m.lastIndex = start;
        const r = m.exec(this.buf);
        if (!r) break;
        // A CR at the very end may be the first half of a CRLF split across chunks.
        if (r[0] === '\r' && r.index === this.buf.length - 1 && !done) break;
        this.line(this.buf.slice(start, r.index));
        start = r.index + r[0].length;
      }
      this.buf = this.buf.slice(start);
    }
    line(l) {
      if (l === '') {
        if (this.data !== null) {
          const d = this.data.join('\n');
          this.data = null;
          this.onEvent(d);
        }
        return;
      }
      if (l[0] === ':') return; // comment
      const colon = l.indexOf(':');
      const field = colon < 0 ? l : l.slice(0, colon);
      let value = colon < 0 ? '' : l.slice(colon + 1);
      if (value[0] === ' ') value = value.slice(1);
      if (field === 'data') (this.data || (this.data = [])).push(value);
      // event, id and retry mean nothing to Engine.IO.
    }
  }

  class SSE extends Transport {
    get name() {
      return 'sse';
    }

    _uri() {
      const query = Object.assign({}, this.query);
      if (this.opts.timestampRequests !== false) query[this.opts.timestampParam || 't'] = Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
      return this.createUri(this.opts.secure ? 'https' : 'http', query);
    }

    _fetchOptions(extra) {
      const headers = Object.assign({}, this.opts.extraHeaders || {}, extra.headers || {});
      return Object.assign({ credentials: this.opts.withCredentials ? 'include' : 'same-origin', cache: 'no-store' }, extra, { headers });
    }

    doOpen() {
      this._noopSeen = false;
      this._posting = 0;
      this._onPauseCheck = null;
      this._aborter = typeof AbortController === 'function' ? new AbortController() : null;
      const parser = new EventStreamParser((data) => this._onEvent(data));
      const opts = this._fetchOptions({ headers: { Accept: 'text/event-stream' }, signal: this._aborter && this._aborter.signal });
      fetch(this._uri(), opts)
        .then(async (res) => {
          if (res.status !== 200 || !res.body) {
            this.onError('sse error', res.status);
            return;
          }
          const reader = res.body.getReader();
          const decoder = new TextDecoder();
          this._reader = reader;
          for (;;) {
            const { done, value } = await reader.read();
            if (this._stopped()) return;
            parser.push(done ? decoder.decode() : decoder.decode(value, { stream: true }), done);
            if (done) break;
          }
          if (!this._stopped()) this.onClose({ description: 'sse stream ended by the server' });
        })
        .catch((err) => {
          if (!this._stopped()) this.onError('sse error', err);
        });
    }

    /** Closed, or paused for an upgrade: what the stream does no longer matters. */
    _stopped() {
      return this.readyState === 'closed' || this.readyState === 'paused';
    }

    _onEvent(data) {
      if (this.readyState === 'closed') return;
      const packet = data;
      if (packet === '6') {
        this._noopSeen = true; // the server has answered a websocket probe and stopped writing here
      } else {
        this._noopSeen = false; // writing again: that probe failed
      }
      this.onData(packet);
      if (this._onPauseCheck) this._onPauseCheck();
    }

    onPacket(packet) {
      if (this.readyState === 'opening' && packet.type === 'open') this.onOpen();
      if (packet.type === 'close') {
        this._abort();
        this.onClose({ description: 'transport closed by the server' });
        return;
      }
      super.onPacket(packet);
    }

    write(packets) {
      this.writable = false;
      Promise.all(packets.map(encodePacket))
        .then((parts) => this._post(parts.join(SEPARATOR)))
        .then(() => {
          this.writable = true;
          this.emitReserved('drain');
          if (this._onPauseCheck) this._onPauseCheck();
        })
        .catch((err) => this.onError('sse post error', err));
    }

    _post(body) {
      this._posting++;
      const opts = this._fetchOptions({ method: 'POST', body, headers: { 'Content-Type': 'text/plain;charset=UTF-8' } });
      return fetch(this._uri(), opts)
        .then(async (res) => {
          await res.text().catch(() => '');
          if (res.status !== 200) throw new Error(`POST answered ${res.status}`);
        })
        .finally(() => this._posting--);
    }

    /** Pauses for an upgrade: done once the server's noop has been seen and no POST is in flight. */
    pause(onPause) {
      this.readyState = 'pausing';
      const check = () => {
        if (this.readyState === 'pausing' && this._noopSeen && this._posting === 0 && this.writable) {
          this._onPauseCheck = null;
          this.readyState = 'paused';
          onPause();
        }
      };
      this._onPauseCheck = check;
      check();
    }

    doClose() {
      if (this.readyState === 'open') this._post('1').catch(() => {}); // as polling: tell the server
      this._abort();
    }

    _abort() {
      this._onPauseCheck = null;
      try {
        if (this._aborter) this._aborter.abort();
        else if (this._reader) this._reader.cancel();
      } catch (e) {
        /* already gone */
      }
    }
  }

  return { SSE, WebSocket, Transport };
});
