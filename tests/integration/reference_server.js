#!/usr/bin/env node
// The reference implementation of tests/integration/CONTRACT.md, on Node socket.io 4.8.4.
// It proves the integration tests right: everything not marked "sb only" must pass against it.
//
//   node tests/integration/reference_server.js --port 0 [--ping-interval MS] [--ping-timeout MS]
//        [--max-payload BYTES] [--connect-timeout MS] [--upgrade-timeout MS] [--send-buffer BYTES]
//        [--write-timeout MS] [--close-timeout MS]
//
// Prints "listening <port>" on stdout once ready; exits 0 on SIGTERM/SIGINT.
'use strict';

const http = require('node:http');
const { Server } = require('socket.io'); // resolves to <repo>/node_modules/socket.io

const DEFAULTS = {
  port: 0,
  'ping-interval': 1000,
  'ping-timeout': 500,
  'max-payload': 100000,
  'connect-timeout': 2000,
  'upgrade-timeout': 2000,
  'send-buffer': 1048576, // sb only; accepted and ignored here
  'write-timeout': 30000, // sb only; accepted and ignored here
  'close-timeout': 5000, // sb only; accepted and ignored here
  'drain-timeout': 500, // sb only; accepted and ignored here
  'ack-unknown-events': 1, // sb only; Node never acks an unknown event
  'handler-deadline': 30000, // sb only; Node never answers for a handler
  'max-dynamic-namespaces': 10000, // sb only; Node has no bound
  recovery: 0, // connectionStateRecovery.maxDisconnectionDuration (ms); 0 = off
};

function parseArgs(argv) {
  const opts = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) usage(`unexpected argument ${a}`);
    const key = a.slice(2);
    if (!(key in DEFAULTS)) usage(`unknown flag ${a}`);
    const v = argv[++i];
    if (v === undefined || !/^\d+$/.test(v)) usage(`flag ${a} needs a non-negative integer`);
    opts[key] = Number(v);
  }
  return opts;
}

function usage(msg) {
  process.stderr.write(`reference_server: ${msg}\n`);
  process.exit(2);
}

const opts = parseArgs(process.argv.slice(2));

const httpServer = http.createServer();
const io = new Server(httpServer, {
  pingInterval: opts['ping-interval'],
  pingTimeout: opts['ping-timeout'],
  maxHttpBufferSize: opts['max-payload'],
  connectTimeout: opts['connect-timeout'],
  upgradeTimeout: opts['upgrade-timeout'],
  serveClient: false,
  // CONTRACT.md: `forbidden=1` or an `x-refuse` header is refused; `refuse=<message>` is
  // refused with that message after 50 ms.
  allowRequest: (req, callback) => {
    const q = new URL(req.url, 'http://x').searchParams;
    if (q.get('forbidden') === '1') return callback(null, false);
    if (req.headers['x-refuse']) return callback(`refused by header: ${req.headers['x-refuse']}`, false);
    if (q.has('refuse')) return setTimeout(() => callback(q.get('refuse'), false), 50);
    callback(null, true);
  },
  ...(opts.recovery > 0
    ? { connectionStateRecovery: { maxDisconnectionDuration: opts.recovery, skipMiddlewares: true } }
    : {}),
});

// ---- disconnect hook: every namespace records {id, reason} -------------------------------
const reasons = [];
function recordDisconnects(socket) {
  socket.on('disconnect', (reason) => {
    const entry = { id: socket.id, reason };
    reasons.push(entry);
    if (reasons.length > 50) reasons.shift();
    io.of('/').to('watchers').emit('disconnected', { id: socket.id, nsp: socket.nsp.name, reason });
  });
}

function whoami(socket) {
  return { nsp: socket.nsp.name, id: socket.id, auth: socket.handshake.auth };
}

function sortedRooms(socket) {
  return [...socket.rooms].sort();
}

// Splits listener args into (args, ack|null).
function splitAck(args) {
  if (args.length && typeof args[args.length - 1] === 'function') {
    return [args.slice(0, -1), args[args.length - 1]];
  }
  return [args, null];
}

function target(op, { rooms, except }) {
  let t = op.to(rooms);
  if (except !== undefined && except !== null) t = t.except(except);
  return t;
}

function byJson(a, b) {
  const ja = JSON.stringify(a);
  const jb = JSON.stringify(b);
  return ja < jb ? -1 : ja > jb ? 1 : 0;
}

const noop = () => {};

// ---- namespace / ---------------------------------------------------------------------------
io.of('/').on('connection', (socket) => {
  recordDisconnects(socket);

  socket.on('echo', (...all) => {
    const [args, ack] = splitAck(all);
    if (ack) ack(...args);
    else socket.emit('echo', ...args);
  });

  socket.on('join', async (rooms, ack = noop) => {
    await socket.join(rooms);
    ack(sortedRooms(socket));
  });

  socket.on('leave', async (room, ack = noop) => {
    await socket.leave(room);
    ack(sortedRooms(socket));
  });

  socket.on('rooms', (ack = noop) => ack(sortedRooms(socket)));

  socket.on('to_room', (spec, ack = noop) => {
    target(socket, spec).emit(spec.event, ...(spec.args || []));
    ack('ok');
  });

  socket.on('server_to_room', (spec, ack = noop) => {
    target(io, spec).emit(spec.event, ...(spec.args || []));
    ack('ok');
  });

  socket.on('broadcast', (spec, ack = noop) => {
    socket.broadcast.emit(spec.event, ...(spec.args || []));
    ack('ok');
  });

  socket.on('volatile_to_room', (spec, ack = noop) => {
    io.to(spec.rooms).volatile.emit(spec.event, ...(spec.args || []));
    ack('ok');
  });

  socket.on('ask', (spec, ack = noop) => {
    socket.timeout(spec.timeout).emit(spec.event, ...(spec.args || []), (err, ...reply) => {
      if (err) ack({ ok: false, error: err.message });
      else ack({ ok: true, reply });
    });
  });

  socket.on('ask_room', (spec, ack = noop) => {
    io.to(spec.room)
      .timeout(spec.timeout)
      .emit(spec.event, ...(spec.args || []), (err, responses) => {
        ack({ responses: [...(responses || [])].sort(byJson), timed_out: !!err });
      });
  });

  socket.on('binary_echo', (...all) => {
    const [args, ack] = splitAck(all);
    if (ack) ack(...args);
  });

  socket.on('room_size', (spec, ack = noop) => {
    const members = io.of('/').adapter.rooms.get(spec.room);
    ack(members ? members.size : 0);
  });

  socket.on('disconnect_me', () => socket.disconnect());

  socket.on('reasons', (ack = noop) => ack(reasons.slice()));

  socket.on('whoami', (ack = noop) => ack(whoami(socket)));
  socket.on('handshake', (ack = noop) => ack(socket.handshake));

  socket.on('recovered', (ack = noop) => ack(socket.recovered));

  socket.on('set_data', (data, ack = noop) => {
    socket.data = data;
    ack('ok');
  });

  socket.on('get_data', (ack = noop) => ack(socket.data));

  socket.on('no_ack', () => {}); // never calls back
  socket.on('slow', (spec, ack = noop) => {
    setTimeout(() => ack('done'), spec.ms);
  });
});

// ---- namespace /admin ----------------------------------------------------------------------
const admin = io.of('/admin');
admin.use((socket, next) => {
  const auth = socket.handshake.auth || {};
  if (auth.token === 'secret') return next();
  const err = new Error('not authorized');
  err.data = { code: 'E_AUTH' };
  next(err);
});
admin.on('connection', (socket) => {
  recordDisconnects(socket);
  socket.on('whoami', (ack = noop) => ack(whoami(socket)));
});

// ---- dynamic namespaces /^\/dyn-\w+$/ ------------------------------------------------------
io.of(/^\/dyn-\w+$/).on('connection', (socket) => {
  recordDisconnects(socket);
  socket.on('whoami', (ack = noop) => ack(whoami(socket)));
});

// ---- lifecycle -----------------------------------------------------------------------------
// ---- plain Engine.IO on /engine.io/ (CONTRACT.md) --------------------------------------------
{
  const { Server: EngineServer } = require('engine.io');
  const engine = new EngineServer({ pingInterval: opts['ping-interval'], pingTimeout: opts['ping-timeout'] });
  engine.attach(httpServer, { path: '/engine.io/' });
  engine.on('connection', (s) => {
    s.send('hello');
    s.on('message', (data) => {
      if (data === 'close-me') s.close();
      else if (data === 'transport') s.send(s.transport.name);
      else s.send(data);
    });
  });
}

httpServer.listen(opts.port, '127.0.0.1', () => {
  process.stdout.write(`listening ${httpServer.address().port}\n`);
});

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(0), 500).unref();
  io.close(() => process.exit(0));
  httpServer.closeAllConnections?.();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
