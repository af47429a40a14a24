"""Rooms: join/leave/rooms/room_size and the to_room/server_to_room/broadcast fan-outs."""

import unittest

from harness import Recorder, per_transport


@per_transport
class Rooms:

    def clients_with_inbox(self, count, event):
        """count connected clients, each recording `event`; returns [(client, recorder)]."""
        result = []
        for _ in range(count):
            inbox = Recorder()
            result.append((self.client(handlers={event: inbox}), inbox))
        return result

    def join(self, sio, *rooms):
        joined = self.call1(sio, 'join', list(rooms))
        for room in rooms:
            self.assertIn(room, joined)
        return joined

    def test_join_leave_rooms(self):
        sio = self.client()
        sid = sio.get_sid('/')
        r1, r2, r3 = self.room('1'), self.room('2'), self.room('3')
        self.assertEqual(self.call1(sio, 'rooms'), [sid])
        self.assertEqual(self.call1(sio, 'join', r1), sorted([r1, sid]))
        self.assertEqual(self.call1(sio, 'join', [r3, r2]), sorted([r1, r2, r3, sid]))
        self.assertEqual(self.call1(sio, 'join', r1), sorted([r1, r2, r3, sid]))
        self.assertEqual(self.call1(sio, 'rooms'), sorted([r1, r2, r3, sid]))
        self.assertEqual(self.call1(sio, 'leave', r2), sorted([r1, r3, sid]))
        self.assertEqual(self.call1(sio, 'leave', self.room('never-joined')),
                         sorted([r1, r3, sid]))
        self.assertEqual(self.call1(sio, 'rooms'), sorted([r1, r3, sid]))

    def test_room_size(self):
        room = self.room()
        a, b = self.client(), self.client()
        self.assertEqual(self.call1(a, 'room_size', {'room': room}), 0)
        self.join(a, room)
        self.assertEqual(self.call1(a, 'room_size', {'room': room}), 1)
        self.join(b, room)
        self.assertEqual(self.call1(a, 'room_size', {'room': room}), 2)
        self.assertEqual(self.call1(b, 'room_size', {'room': a.get_sid('/')}), 1)
        self.call1(b, 'leave', room)
        self.assertEqual(self.call1(a, 'room_size', {'room': room}), 1)
        # a disconnecting socket leaves its rooms
        disconnects = self.watch_disconnects()
        self.join(b, room)
        a_id = a.get_sid('/')
        a.disconnect()
        self.wait_disconnected(disconnects, a_id)
        self.assertEqual(self.call1(b, 'room_size', {'room': room}), 1)
        self.assertEqual(self.call1(b, 'room_size', {'room': a_id}), 0)

    def test_to_room_excludes_sender(self):
        room = self.room()
        (a, a_in), (b, b_in), (c, c_in) = self.clients_with_inbox(3, 'news')
        self.join(a, room)
        self.join(b, room)
        self.assertEqual(self.call1(a, 'to_room', {
            'rooms': [room], 'event': 'news', 'args': ['hello', 7, {'k': [1]}]}), 'ok')
        self.assertEqual(b_in.wait_count(1), [('hello', 7, {'k': [1]})])
        self.settle(a, b, c)
        self.assertEqual(a_in.items, [])
        self.assertEqual(b_in.items, [('hello', 7, {'k': [1]})])
        self.assertEqual(c_in.items, [])

    def test_to_room_with_except(self):
        room, quiet = self.room(), self.room('quiet')
        (a, a_in), (b, b_in), (c, c_in) = self.clients_with_inbox(3, 'news')
        self.join(a, room)
        self.join(b, room)
        self.join(c, room, quiet)
        self.assertEqual(self.call1(a, 'to_room', {
            'rooms': [room], 'except': [quiet], 'event': 'news', 'args': [1]}), 'ok')
        self.assertEqual(b_in.wait_count(1), [(1,)])
        self.settle(a, b, c)
        self.assertEqual((a_in.items, b_in.items, c_in.items), ([], [(1,)], []))

    def test_to_several_rooms_delivers_once(self):
        r1, r2 = self.room('1'), self.room('2')
        (a, a_in), (b, b_in), (c, c_in) = self.clients_with_inbox(3, 'news')
        self.join(b, r1, r2)
        self.join(c, r2)
        self.assertEqual(self.call1(a, 'to_room', {
            'rooms': [r1, r2], 'event': 'news', 'args': ['once']}), 'ok')
        b_in.wait_count(1)
        c_in.wait_count(1)
        self.settle(a, b, c)
        self.assertEqual((a_in.items, b_in.items, c_in.items),
                         ([], [('once',)], [('once',)]))

    def test_server_to_room_includes_sender(self):
        room = self.room()
        (a, a_in), (b, b_in), (c, c_in) = self.clients_with_inbox(3, 'news')
        self.join(a, room)
        self.join(b, room)
        self.assertEqual(self.call1(a, 'server_to_room', {
            'rooms': [room], 'event': 'news', 'args': ['all', None]}), 'ok')
        self.assertEqual(a_in.wait_count(1), [('all', None)])
        self.assertEqual(b_in.wait_count(1), [('all', None)])
        self.settle(a, b, c)
        self.assertEqual((a_in.items, b_in.items, c_in.items),
                         ([('all', None)], [('all', None)], []))

    def test_server_to_room_except_socket_id(self):
        room = self.room()
        (a, a_in), (b, b_in), (c, c_in) = self.clients_with_inbox(3, 'news')
        for sio in (a, b, c):
            self.join(sio, room)
        self.assertEqual(self.call1(a, 'server_to_room', {
            'rooms': [room], 'except': b.get_sid('/'), 'event': 'news',
            'args': [2]}), 'ok')
        a_in.wait_count(1)
        c_in.wait_count(1)
        self.settle(a, b, c)
        self.assertEqual((a_in.items, b_in.items, c_in.items), ([(2,)], [], [(2,)]))

    def test_broadcast_excludes_sender(self):
        (a, a_in), (b, b_in), (c, c_in) = self.clients_with_inbox(3, 'shout')
        self.assertEqual(self.call1(a, 'broadcast', {
            'event': 'shout', 'args': [{'from': 'a'}, [1, 2]]}), 'ok')
        self.assertEqual(b_in.wait_count(1), [({'from': 'a'}, [1, 2])])
        self.assertEqual(c_in.wait_count(1), [({'from': 'a'}, [1, 2])])
        self.settle(a, b, c)
        self.assertEqual(a_in.items, [])
        self.assertEqual(b_in.items, [({'from': 'a'}, [1, 2])])
        self.assertEqual(c_in.items, [({'from': 'a'}, [1, 2])])


if __name__ == '__main__':
    unittest.main()
