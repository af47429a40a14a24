"""Test harness for the python-socketio integration tests.

Spawns the server under test (see tests/integration/CONTRACT.md), creates
python-socketio clients against it and offers bounded waiting helpers.

Server selection (environment):
  SB_SERVER=node    -> node <repo>/tests/integration/reference_server.js
  otherwise         -> $SB_TEST_SERVER, default <repo>/build/tests/integration/sb_test_server

The client is Debian's python3-socketio 5.7.2 / python3-engineio 4.3.4, used
through its threaded ``socketio.Client`` (``AsyncClient`` would need aiohttp,
which is not installed). Every wait in here is bounded.
"""

import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

import socketio
from socketio import packet as sio_packet

# <repo>/tests/integration/python/harness.py -> <repo>
REPO_ROOT = Path(__file__).resolve().parents[3]

SERVER_START_TIMEOUT = 10.0  # seconds until "listening <port>"
SERVER_STOP_TIMEOUT = 3.0    # SIGTERM grace period before SIGKILL
CALL_TIMEOUT = 5.0           # any request/ack round trip
EVENT_TIMEOUT = 5.0          # any expected event
HANDLER_GRACE = 0.1          # lets handler threads of already-received messages finish

# The three transport configurations every behaviour is run over.
TRANSPORT_VARIANTS = {
    'websocket': ['websocket'],
    'polling': ['polling'],
    'upgrade': ['polling', 'websocket'],
}


def server_command():
    """The command line of the server under test (without flags)."""
    if os.environ.get('SB_SERVER') == 'node':
        script = REPO_ROOT / 'tests' / 'integration' / 'reference_server.js'
        return ['node', str(script)], script
    binary = Path(os.environ.get(
        'SB_TEST_SERVER',
        REPO_ROOT / 'build' / 'tests' / 'integration' / 'sb_test_server'))
    return [str(binary)], binary


class ServerProcess:
    """One server process: start() waits for 'listening <port>', stop() ends it."""

    def __init__(self, args=()):
        self.args = list(args)
        self.proc = None
        self.port = None
        self._stderr = None
        self._stderr_text = ''
        self._stdout_lines = queue.Queue()

    @property
    def url(self):
        return 'http://127.0.0.1:{}'.format(self.port)

    def start(self):
        cmd, path = server_command()
        if not path.exists():
            raise RuntimeError(
                'server under test not found: {} (set SB_SERVER=node or '
                'SB_TEST_SERVER)'.format(path))
        self._stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            cmd + ['--port', '0'] + self.args, cwd=str(REPO_ROOT),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=self._stderr)
        # A reader thread keeps draining stdout so the server never blocks on it.
        threading.Thread(target=self._read_stdout, args=(self.proc.stdout,),
                         daemon=True).start()
        try:
            line = self._stdout_lines.get(timeout=SERVER_START_TIMEOUT)
        except queue.Empty:
            line = None
        parts = (line or '').split()
        if len(parts) == 2 and parts[0] == 'listening' and parts[1].isdigit():
            self.port = int(parts[1])
            return self
        # The contract says nothing else is printed before it.
        if line is not None:
            problem = 'printed {!r} instead of "listening <port>"'.format(line)
        elif self.proc.poll() is not None:
            problem = 'exited with {} before "listening <port>"'.format(self.proc.returncode)
        else:
            problem = 'no "listening <port>" within {}s'.format(SERVER_START_TIMEOUT)
        self.stop(check=False)
        raise RuntimeError('server {}: {}\nstderr:\n{}'.format(
            problem, ' '.join(cmd + ['--port', '0'] + self.args), self.stderr_text()))

    def _read_stdout(self, stream):
        # Owns the pipe: closing it from stop() could block behind a read.
        with stream:
            for raw in stream:
                self._stdout_lines.put(raw.decode('utf-8', 'replace').rstrip('\n'))
        self._stdout_lines.put(None)  # EOF

    def stderr_text(self):
        """What the server wrote to stderr so far (all of it once stopped)."""
        if not self._stderr.closed:
            self._stderr.seek(0)
            self._stderr_text = self._stderr.read().decode('utf-8', 'replace')
        return self._stderr_text

    def stop(self, check=True):
        """SIGTERM, then SIGKILL after SERVER_STOP_TIMEOUT.

        With check, a server that does not exit 0 on SIGTERM (the contract)
        raises, which unittest reports as an error of the class cleanup.
        """
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        if proc.poll() is None:
            proc.terminate()
        try:
            code = proc.wait(timeout=SERVER_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=SERVER_STOP_TIMEOUT)
            code = 'still running {}s after SIGTERM (killed)'.format(SERVER_STOP_TIMEOUT)
        self.stderr_text()
        self._stderr.close()
        if check and code != 0:
            raise RuntimeError('server did not exit 0 on SIGTERM: {}\nstderr:\n{}'
                               .format(code, self.stderr_text()))


def close_client(sio):
    """Disconnects a client and waits (bounded) for its threads to end.

    python-engineio 4.3.4 never closes its requests.Session, so that is done
    here too (otherwise every test leaks sockets and ResourceWarnings).
    """
    sio.disconnect()
    eio = sio.eio
    for task in (sio._reconnect_task, eio.read_loop_task, eio.write_loop_task):
        if task is not None and task is not threading.current_thread():
            task.join(timeout=CALL_TIMEOUT)
    if eio.ws is not None:
        eio.ws.close()
    if eio.http is not None:
        eio.http.close()


def leave_namespace(sio, namespace):
    """The client leaves one namespace; the connection (and other namespaces) stay up.

    python-socketio 5.7.2 has no public call for this: Client.disconnect()
    always closes the whole connection, and it queues the DISCONNECT packets
    and the Engine.IO close back to back (see test_disconnect.py). This sends
    the same DISCONNECT packet Client.disconnect() sends, through the client's
    own encoder and send queue, then forgets the namespace the way the client
    does when the server disconnects it.
    """
    sio._send_packet(sio.packet_class(sio_packet.DISCONNECT, namespace=namespace))
    del sio.namespaces[namespace]


class Recorder:
    """Thread-safe list of received events with bounded waits.

    python-socketio's threaded client runs every incoming message on a new
    thread, so handlers record into this and the test thread waits on it.
    """

    def __init__(self):
        self._cond = threading.Condition()
        self._items = []

    def __call__(self, *args):
        with self._cond:
            self._items.append(args)
            self._cond.notify_all()

    @property
    def items(self):
        with self._cond:
            return list(self._items)

    def wait_for(self, predicate, timeout=EVENT_TIMEOUT):
        """Waits until predicate(items) is true; returns whether it became true."""
        with self._cond:
            return self._cond.wait_for(lambda: predicate(self._items), timeout)

    def wait_count(self, count, timeout=EVENT_TIMEOUT):
        if not self.wait_for(lambda items: len(items) >= count, timeout):
            raise AssertionError('expected {} event(s) within {}s, got {}: {!r}'
                                 .format(count, timeout, len(self.items),
                                         self.items))
        return self.items


class ServerTestCase(unittest.TestCase):
    """Base class: one server per test class, clients closed after each test.

    Subclasses set SERVER_ARGS (extra flags) and TRANSPORTS (set by
    ``per_transport``).
    """

    SERVER_ARGS = []
    TRANSPORTS = ['websocket']
    server = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ServerProcess(cls.SERVER_ARGS).start()
        cls.addClassCleanup(cls.server.stop)

    @property
    def expected_transport(self):
        """The transport a connected client must end up on."""
        return 'websocket' if 'websocket' in self.TRANSPORTS else 'polling'

    def make_client(self, reconnection=False, **kwargs):
        sio = socketio.Client(reconnection=reconnection, handle_sigint=False,
                              request_timeout=CALL_TIMEOUT, **kwargs)
        self.addCleanup(close_client, sio)
        return sio

    def connect(self, sio, namespaces=('/',), auth=None):
        sio.connect(self.server.url, namespaces=list(namespaces), auth=auth,
                    transports=self.TRANSPORTS, wait_timeout=CALL_TIMEOUT)
        return sio

    def client(self, namespaces=('/',), auth=None, handlers=None, **kwargs):
        """A connected client with handlers {event: fn} (or {(event, nsp): fn})."""
        sio = self.make_client(**kwargs)
        for key, fn in (handlers or {}).items():
            event, nsp = key if isinstance(key, tuple) else (key, '/')
            sio.on(event, fn, namespace=nsp)
        self.connect(sio, namespaces, auth)
        self.assertEqual(sio.transport(), self.expected_transport)
        return sio

    def call(self, sio, event, *args, namespace='/'):
        """emit with an ack; returns the ack's arguments as a list."""
        done = threading.Event()
        reply = []

        def on_ack(*ack_args):
            reply.extend(ack_args)
            done.set()

        # python-socketio sends a tuple as several arguments
        sio.emit(event, tuple(args), namespace=namespace, callback=on_ack)
        if not done.wait(CALL_TIMEOUT):
            self.fail('no ack for {}{!r} within {}s'.format(event, args,
                                                            CALL_TIMEOUT))
        return reply

    def call1(self, sio, event, *args, namespace='/'):
        """call() for an ack with exactly one argument; returns it."""
        reply = self.call(sio, event, *args, namespace=namespace)
        self.assertEqual(len(reply), 1, 'ack args: {!r}'.format(reply))
        return reply[0]

    def settle(self, *clients):
        """Makes sure everything the server sent to these clients so far has arrived.

        Each client emits echo(token) without an ack and waits for the server's
        echo(token) reply; the server writes to a socket in order, so whatever
        it sent earlier arrived before it. Used before asserting that an event
        did *not* arrive. (Replaces the clients' 'echo' handlers.)
        """
        for n, sio in enumerate(clients):
            echoes = Recorder()
            sio.on('echo', echoes)
            token = 'settle-{}'.format(n)
            sio.emit('echo', token)
            if not echoes.wait_for(lambda items: (token,) in items):
                self.fail('no echo reply within {}s'.format(EVENT_TIMEOUT))
        # python-socketio runs each received message's handler on a new thread,
        # so a handler for an earlier message may still be finishing.
        time.sleep(HANDLER_GRACE)

    def room(self, suffix='room'):
        """A room name unique to this test method."""
        return '{}-{}'.format(self._testMethodName, suffix)

    def watch_disconnects(self):
        """A client in room `watchers` recording the server's disconnected({id, nsp, reason})."""
        events = Recorder()
        watcher = self.client(handlers={'disconnected': events})
        self.assertIn('watchers', self.call1(watcher, 'join', 'watchers'))
        return events

    def wait_disconnected(self, events, sid):
        """Waits for the server's disconnected event(s) for socket `sid`; returns their payloads."""
        def mine(items):
            return [a[0] for a in items if a and a[0].get('id') == sid]
        if not events.wait_for(mine):
            self.fail('no disconnected event for {} within {}s: {!r}'
                      .format(sid, EVENT_TIMEOUT, events.items))
        return mine(events.items)


def per_transport(mixin):
    """Class decorator: generates one TestCase per transport configuration.

    ``@per_transport class Rooms: ...`` defines Rooms_websocket, Rooms_polling
    and Rooms_upgrade in the mixin's module (the mixin itself is no TestCase,
    so it is not collected).
    """
    module = sys.modules[mixin.__module__]
    for label, transports in TRANSPORT_VARIANTS.items():
        name = '{}_{}'.format(mixin.__name__, label)
        cls = type(name, (mixin, ServerTestCase), {
            'TRANSPORTS': transports,
            '__module__': mixin.__module__,
            '__qualname__': name,
        })
        setattr(module, name, cls)
    return mixin
