"""Acknowledgements in both directions, including ask_room over several clients."""

import threading
import unittest

from harness import CALL_TIMEOUT, Recorder, per_transport

UNICODE = 'h\u00e9llo \u2713 \u65e5\u672c \U0001f600'


@per_transport
class Acks:

    # ---- client -> server ----------------------------------------------------------------

    def test_echo_ack_returns_all_args(self):
        sio = self.client()
        args = ['text', 42, -3.5, True, False, None, [1, 'two', {'three': 3}],
                {'nested': {'list': [], 'empty': {}}}, UNICODE, '']
        self.assertEqual(self.call(sio, 'echo', *args), args)

    def test_echo_ack_without_args(self):
        sio = self.client()
        self.assertEqual(self.call(sio, 'echo'), [])

    def test_client_call_api(self):
        # python-socketio's own blocking call(): one ack arg -> the value,
        # several -> a tuple, none -> None
        sio = self.client()
        self.assertEqual(sio.call('echo', {'a': 1}, timeout=CALL_TIMEOUT), {'a': 1})
        self.assertEqual(sio.call('echo', ('a', 2), timeout=CALL_TIMEOUT), ('a', 2))
        self.assertIsNone(sio.call('echo', timeout=CALL_TIMEOUT))

    def test_concurrent_acks_are_matched_by_id(self):
        sio = self.client()
        replies = Recorder()
        for i in range(10):
            sio.emit('echo', ('n', i), callback=replies)
        self.assertEqual(sorted(replies.wait_count(10)),
                         [('n', i) for i in range(10)])

    def test_echo_without_ack_emits_back(self):
        echoes = Recorder()
        sio = self.client(handlers={'echo': echoes})
        sio.emit('echo', ('back', 1, [True]))
        self.assertEqual(echoes.wait_count(1), [('back', 1, [True])])

    def test_server_side_delay_then_ack(self):
        sio = self.client()
        self.assertEqual(self.call(sio, 'slow', {'ms': 100}), ['done'])

    # ---- server -> client ----------------------------------------------------------------

    def test_ask_answered_by_handler_return_value(self):
        received = Recorder()

        def question(*args):
            received(*args)
            return ('answer', args[0] + 1, args[1])  # a tuple = several ack args

        sio = self.client(handlers={'question': question})
        self.assertEqual(self.call1(sio, 'ask', {
            'event': 'question', 'args': [1, 'two'], 'timeout': 2000}),
            {'ok': True, 'reply': ['answer', 2, 'two']})
        self.assertEqual(received.items, [(1, 'two')])

    def test_ask_single_and_empty_replies(self):
        sio = self.client(handlers={
            'one': lambda: {'x': [1]},
            'none': lambda: None,
        })
        self.assertEqual(self.call1(sio, 'ask', {'event': 'one', 'args': [], 'timeout': 2000}),
                         {'ok': True, 'reply': [{'x': [1]}]})
        self.assertEqual(self.call1(sio, 'ask', {'event': 'none', 'args': [], 'timeout': 2000}),
                         {'ok': True, 'reply': []})

    def test_ask_slow_handler_times_out(self):
        release, finished = threading.Event(), threading.Event()

        def slow_question(x):
            release.wait(CALL_TIMEOUT)  # answers only after the server gave up
            finished.set()
            return 'too late'

        sio = self.client(handlers={'slow_question': slow_question})
        self.addCleanup(release.set)
        self.assertEqual(self.call1(sio, 'ask', {
            'event': 'slow_question', 'args': [1], 'timeout': 200}),
            {'ok': False, 'error': 'operation has timed out'})
        release.set()
        self.assertTrue(finished.wait(CALL_TIMEOUT))
        # the late ack is ignored and the connection carries on
        self.assertEqual(self.call(sio, 'echo', 'after'), ['after'])
        self.assertTrue(sio.connected)

    # ---- server -> room, aggregated ------------------------------------------------------

    def room_of_answerers(self, room, names, slow=()):
        """One client per name in `room`; each answers poll(x) with 'name:x'.

        Clients named in `slow` only answer once the returned event is set.
        Returns (clients, recorders of poll args, release event).
        """
        release = threading.Event()
        self.addCleanup(release.set)
        clients, polls = [], []
        for name in names:
            seen = Recorder()

            def poll(x, name=name, seen=seen):
                seen(x)
                if name in slow:
                    release.wait(CALL_TIMEOUT)
                return ('{}:{}'.format(name, x), 'ignored second arg')

            sio = self.client(handlers={'poll': poll})
            self.assertIn(room, self.call1(sio, 'join', room))
            clients.append(sio)
            polls.append(seen)
        return clients, polls, release

    def test_ask_room_collects_first_arg_of_every_reply(self):
        room = self.room()
        (a, b, c), polls, _ = self.room_of_answerers(room, ['C', 'A', 'B'])
        outsider_polls = Recorder()
        outsider = self.client(handlers={'poll': outsider_polls})
        # the asker is itself in the room (io.to includes it)
        self.assertEqual(self.call1(a, 'ask_room', {
            'room': room, 'event': 'poll', 'args': [4], 'timeout': 2000}),
            {'responses': ['A:4', 'B:4', 'C:4'], 'timed_out': False})
        self.assertEqual([p.items for p in polls], [[(4,)], [(4,)], [(4,)]])
        self.settle(outsider)
        self.assertEqual(outsider_polls.items, [])

    def test_ask_room_from_outside_the_room(self):
        room = self.room()
        self.room_of_answerers(room, ['B', 'A'])
        asker = self.client()
        self.assertEqual(self.call1(asker, 'ask_room', {
            'room': room, 'event': 'poll', 'args': ['q'], 'timeout': 2000}),
            {'responses': ['A:q', 'B:q'], 'timed_out': False})

    def test_ask_room_with_a_slow_client_times_out_with_partial_responses(self):
        room = self.room()
        (a, b, c), polls, release = self.room_of_answerers(room, ['A', 'B', 'C'], slow={'C'})
        self.assertEqual(self.call1(a, 'ask_room', {
            'room': room, 'event': 'poll', 'args': [5], 'timeout': 300}),
            {'responses': ['A:5', 'B:5'], 'timed_out': True})
        self.assertEqual(polls[2].items, [(5,)])
        release.set()
        self.assertEqual(self.call(c, 'echo', 'alive'), ['alive'])

    def test_ask_empty_room(self):
        sio = self.client()
        self.assertEqual(self.call1(sio, 'ask_room', {
            'room': self.room('empty'), 'event': 'poll', 'args': [], 'timeout': 500}),
            {'responses': [], 'timed_out': False})


if __name__ == '__main__':
    unittest.main()
