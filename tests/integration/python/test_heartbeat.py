"""Heartbeat: the client answers the server's pings and stays connected."""

import time
import unittest

from engineio import packet as eio_packet

from harness import Recorder, per_transport

PING_INTERVAL_MS = 200
PING_TIMEOUT_MS = 200
OBSERVE = 1.2  # seconds = 6 ping intervals


@per_transport
class Heartbeat:

    SERVER_ARGS = ['--ping-interval', str(PING_INTERVAL_MS),
                   '--ping-timeout', str(PING_TIMEOUT_MS)]

    def test_stays_connected_across_ping_intervals(self):
        server_side = self.watch_disconnects()
        disconnects = Recorder()
        sio = self.make_client()
        sio.on('disconnect', disconnects)
        # Observe (not alter) Engine.IO packets to count the server's pings.
        pings = Recorder()
        receive = sio.eio._receive_packet

        def counting_receive(pkt):
            if pkt.packet_type == eio_packet.PING:
                pings(pkt.data)
            return receive(pkt)

        sio.eio._receive_packet = counting_receive
        self.connect(sio)
        self.assertEqual(sio.transport(), self.expected_transport)
        self.assertEqual((sio.eio.ping_interval, sio.eio.ping_timeout), (0.2, 0.2))
        sid = sio.get_sid('/')

        time.sleep(OBSERVE)
        self.assertGreaterEqual(len(pings.items), 4)
        self.assertEqual(set(pings.items), {('',)})  # plain "2", no payload
        self.assertTrue(sio.connected)
        self.assertEqual(disconnects.items, [])
        self.assertEqual(self.call(sio, 'echo', 'still here'), ['still here'])
        self.assertEqual(sio.transport(), self.expected_transport)
        self.assertEqual([a for a in server_side.items if a[0]['id'] == sid], [])


if __name__ == '__main__':
    unittest.main()
