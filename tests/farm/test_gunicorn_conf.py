"""The farm's gunicorn holds an answer's header back until its first body bytes (api.farm.gunicorn_conf),
so a worker killed mid-answer leaves nothing half-sent that HAProxy could not retry."""

from api.farm.gunicorn_conf import _HeaderHeldBack


class FakeSocket:
    def __init__(self):
        self.sends: list[bytes] = []

    def sendall(self, data):
        self.sends.append(bytes(data))

    def sendfile(self, file, offset=0, count=None):
        self.sends.append(b"<file>")

    def fileno(self):
        return 7


def test_the_header_leaves_with_the_first_body_bytes():
    sock = FakeSocket()
    held = _HeaderHeldBack(sock)
    held.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n")
    assert sock.sends == []
    held.sendall(b"body")
    held.sendall(b"more")
    assert sock.sends == [b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody", b"more"]


def test_a_body_less_answer_sends_its_header_when_it_closes():
    sock = FakeSocket()
    held = _HeaderHeldBack(sock)
    held.sendall(b"HTTP/1.1 304 Not Modified\r\n\r\n")
    held.flush()
    held.flush()
    assert sock.sends == [b"HTTP/1.1 304 Not Modified\r\n\r\n"]


def test_a_file_goes_after_its_header_and_the_socket_is_otherwise_the_real_one():
    sock = FakeSocket()
    held = _HeaderHeldBack(sock)
    held.sendall(b"HEADER")
    held.sendfile(object(), offset=0, count=10)
    assert sock.sends == [b"HEADER", b"<file>"]
    assert held.fileno() == 7
