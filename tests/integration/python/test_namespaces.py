"""Namespaces: /admin with its auth middleware, dynamic /dyn-*, unknown ones."""

import unittest

import socketio

from harness import Recorder, per_transport

# python-socketio 5.7.2's connect() keeps waiting for the full wait_timeout
# after a CONNECT_ERROR (it only stops early once *all* namespaces connected),
# so refused connects use a short one and then wait on the handler.
REFUSAL_WAIT = 0.3


@per_transport
class Namespaces:

    def connect_refused(self, namespace, auth=None):
        """Connects to a namespace that must refuse; returns connect_error's args."""
        errors = Recorder()
        sio = self.make_client()
        sio.on('connect_error', errors, namespace=namespace)
        with self.assertRaises(socketio.exceptions.ConnectionError) as cm:
            sio.connect(self.server.url, namespaces=[namespace], auth=auth,
                        transports=self.TRANSPORTS, wait_timeout=REFUSAL_WAIT)
        self.assertEqual(str(cm.exception),
                         'One or more namespaces failed to connect')
        self.assertFalse(sio.connected)
        self.assertEqual(sio.namespaces, {})
        return errors.wait_count(1)

    def test_admin_with_token(self):
        sio = self.client(namespaces=['/admin'], auth={'token': 'secret'})
        self.assertEqual(list(sio.namespaces), ['/admin'])
        self.assertEqual(self.call1(sio, 'whoami', namespace='/admin'),
                         {'nsp': '/admin', 'id': sio.get_sid('/admin'),
                          'auth': {'token': 'secret'}})

    def test_root_and_admin_on_one_connection(self):
        sio = self.client(namespaces=['/', '/admin'], auth={'token': 'secret'})
        self.assertEqual(sorted(sio.namespaces), ['/', '/admin'])
        root_id, admin_id = sio.get_sid('/'), sio.get_sid('/admin')
        self.assertNotEqual(root_id, admin_id)
        # python-socketio sends the same auth to every namespace
        self.assertEqual(self.call1(sio, 'whoami'),
                         {'nsp': '/', 'id': root_id, 'auth': {'token': 'secret'}})
        self.assertEqual(self.call1(sio, 'whoami', namespace='/admin'),
                         {'nsp': '/admin', 'id': admin_id,
                          'auth': {'token': 'secret'}})

    def test_admin_refused_without_token(self):
        self.assertEqual(self.connect_refused('/admin'), [(
            {'message': 'not authorized', 'data': {'code': 'E_AUTH'}},)])

    def test_admin_refused_with_wrong_token(self):
        self.assertEqual(self.connect_refused('/admin', auth={'token': 'nope'}), [(
            {'message': 'not authorized', 'data': {'code': 'E_AUTH'}},)])

    def test_dynamic_namespace_whoami(self):
        sio = self.client(namespaces=['/dyn-x', '/dyn-42'])
        for nsp in ('/dyn-x', '/dyn-42'):
            with self.subTest(nsp=nsp):
                self.assertEqual(self.call1(sio, 'whoami', namespace=nsp),
                                 {'nsp': nsp, 'id': sio.get_sid(nsp), 'auth': {}})
        self.assertNotEqual(sio.get_sid('/dyn-x'), sio.get_sid('/dyn-42'))

    def test_unknown_namespace_refused(self):
        self.assertEqual(self.connect_refused('/nope'),
                         [({'message': 'Invalid namespace'},)])

    def test_dynamic_pattern_is_anchored(self):
        # /^\/dyn-\w+$/ does not match "-" after the prefix
        self.assertEqual(self.connect_refused('/dyn-a-b'),
                         [({'message': 'Invalid namespace'},)])


if __name__ == '__main__':
    unittest.main()
