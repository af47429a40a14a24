"""Connecting, socket ids and the Engine.IO handshake as python-socketio sees them."""

import unittest

from harness import Recorder, per_transport


@per_transport
class Connect:

    def test_connect_and_socket_id(self):
        connects = Recorder()
        sio = self.client(handlers={'connect': connects})
        self.assertTrue(sio.connected)
        self.assertEqual(connects.items, [()])
        self.assertEqual(list(sio.namespaces), ['/'])
        sid = sio.get_sid('/')
        self.assertIsInstance(sid, str)
        self.assertNotEqual(sid, '')
        # The Socket.IO socket id is a fresh id, not the Engine.IO session id.
        self.assertIsInstance(sio.sid, str)
        self.assertNotEqual(sid, sio.sid)
        self.assertEqual(self.call1(sio, 'whoami'),
                         {'nsp': '/', 'id': sid, 'auth': {}})

    def test_socket_ids_are_distinct(self):
        first, second = self.client(), self.client()
        self.assertNotEqual(first.get_sid('/'), second.get_sid('/'))
        self.assertNotEqual(first.sid, second.sid)

    def test_handshake_values(self):
        sio = self.client()
        # contract defaults: --ping-interval 1000 --ping-timeout 500
        self.assertEqual(sio.eio.ping_interval, 1.0)
        self.assertEqual(sio.eio.ping_timeout, 0.5)
        # upgrades offered by the transport the session was opened on
        opened_on = self.TRANSPORTS[0]
        self.assertEqual(sio.eio.upgrades,
                         ['websocket'] if opened_on == 'polling' else [])

    def test_auth_on_root_namespace(self):
        sio = self.client(auth={'user': 'ann', 'n': 1})
        self.assertEqual(self.call1(sio, 'whoami'),
                         {'nsp': '/', 'id': sio.get_sid('/'),
                          'auth': {'user': 'ann', 'n': 1}})


if __name__ == '__main__':
    unittest.main()
