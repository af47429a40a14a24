"""Binary payloads: bytes survive BINARY_EVENT / BINARY_ACK in both directions."""

import unittest

from harness import Recorder, per_transport

BLOB = bytes(range(256))


@per_transport
class Binary:

    def test_bytes_round_trip(self):
        sio = self.client()
        reply = self.call(sio, 'binary_echo', BLOB)
        self.assertEqual(reply, [BLOB])
        self.assertIsInstance(reply[0], bytes)

    def test_mixed_args_with_nested_buffers(self):
        sio = self.client()
        args = [b'\x00\x1e\x1f\r\n', {'blob': b'abc', 'n': 1, 'deep': [b'x', {'y': b'z'}]},
                'text', [1, BLOB], None]
        self.assertEqual(self.call(sio, 'binary_echo', *args), args)

    def test_empty_buffer(self):
        sio = self.client()
        self.assertEqual(self.call(sio, 'binary_echo', b'', 'after'), [b'', 'after'])

    def test_large_buffer(self):
        sio = self.client()
        payload = BLOB * 128  # 32 KiB; base64 on polling stays below --max-payload
        self.assertEqual(self.call(sio, 'binary_echo', payload), [payload])

    def test_server_emits_binary_event(self):
        echoes = Recorder()
        sio = self.client(handlers={'echo': echoes})
        sio.emit('echo', (b'\x01\x02', {'b': b'\x03'}))
        self.assertEqual(echoes.wait_count(1), [(b'\x01\x02', {'b': b'\x03'})])

    def test_binary_fan_out_to_room(self):
        room = self.room()
        news = Recorder()
        a = self.client()
        b = self.client(handlers={'news': news})
        self.assertIn(room, self.call1(b, 'join', room))
        self.assertEqual(self.call1(a, 'to_room', {
            'rooms': [room], 'event': 'news', 'args': [b'\xff\x00', 'x']}), 'ok')
        self.assertEqual(news.wait_count(1), [(b'\xff\x00', 'x')])


if __name__ == '__main__':
    unittest.main()
