"""Disconnects initiated by the server and by the client, with the server's reasons."""

import time
import unittest

from harness import Recorder, leave_namespace, per_transport

RECONNECT_DELAY = 0.1  # reconnection delay of the client that must not reconnect


@per_transport
class Disconnect:

    def test_server_disconnect_does_not_reconnect(self):
        server_side = self.watch_disconnects()
        connects, disconnects = Recorder(), Recorder()
        sio = self.client(handlers={'connect': connects, 'disconnect': disconnects},
                          reconnection=True, reconnection_delay=RECONNECT_DELAY,
                          reconnection_delay_max=RECONNECT_DELAY,
                          randomization_factor=0)
        sid = sio.get_sid('/')
        sio.emit('disconnect_me')
        self.assertEqual(disconnects.wait_count(1), [()])
        self.assertEqual(self.wait_disconnected(server_side, sid),
                         [{'id': sid, 'nsp': '/', 'reason': 'server namespace disconnect'}])
        # "io server disconnect" must not trigger the client's reconnection
        time.sleep(5 * RECONNECT_DELAY)
        self.assertEqual(connects.items, [()])
        self.assertEqual(disconnects.items, [()])
        self.assertFalse(sio.connected)
        self.assertEqual(sio.eio.state, 'disconnected')
        self.assertIsNone(sio._reconnect_task)

    def test_client_namespace_disconnect_reason(self):
        server_side = self.watch_disconnects()
        sio = self.client(namespaces=['/', '/admin'], auth={'token': 'secret'})
        root_id, admin_id = sio.get_sid('/'), sio.get_sid('/admin')

        leave_namespace(sio, '/admin')
        self.assertEqual(self.wait_disconnected(server_side, admin_id),
                         [{'id': admin_id, 'nsp': '/admin',
                           'reason': 'client namespace disconnect'}])
        # only that namespace is gone: the connection and / carry on
        self.assertEqual(self.call(sio, 'echo', 'still'), ['still'])

        leave_namespace(sio, '/')
        self.assertEqual(self.wait_disconnected(server_side, root_id),
                         [{'id': root_id, 'nsp': '/',
                           'reason': 'client namespace disconnect'}])

        # reasons() keeps the same history, oldest first
        observer = self.client()
        history = [e for e in self.call1(observer, 'reasons')
                   if e['id'] in (root_id, admin_id)]
        self.assertEqual(history, [
            {'id': admin_id, 'reason': 'client namespace disconnect'},
            {'id': root_id, 'reason': 'client namespace disconnect'},
        ])

    def test_client_disconnect(self):
        # Client.disconnect() of python-socketio 5.7.2 queues DISCONNECT and the
        # Engine.IO close back to back and returns at once: on polling they
        # usually share one POST ("41\x1e1"), on websocket the socket is
        # closed right away; the write thread may even exit before sending
        # them. Node dispatches the DISCONNECT on nextTick, after the close, so
        # the reason the server records depends on that race.
        server_side = self.watch_disconnects()
        disconnects = Recorder()
        sio = self.client(handlers={'disconnect': disconnects})
        sid = sio.get_sid('/')
        sio.disconnect()
        self.assertEqual(disconnects.items, [()])  # run synchronously by disconnect()
        self.assertFalse(sio.connected)
        self.assertEqual(sio.eio.state, 'disconnected')
        [entry] = self.wait_disconnected(server_side, sid)
        self.assertEqual((entry['id'], entry['nsp']), (sid, '/'))
        self.assertIn(entry['reason'], ('client namespace disconnect',
                                         'transport close', 'ping timeout'))


if __name__ == '__main__':
    unittest.main()
