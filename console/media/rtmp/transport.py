"""The publisher's transport: TCP connect, TLS, non-blocking send/receive, close.

:class:`RtmpTransport` is mixed into :class:`~console.media.rtmp.RtmpPublisher` (it uses its
wake-up socket pair, stop/abort events and counters). All I/O is non-blocking and multiplexed
with ``select`` on the one send thread, so a stalled link never blocks the caller.
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import socket
import ssl
import struct
import sys
import time
from typing import Any

import truststore

from console.media.output import OutputState
from console.media.rtmp.chunk import ChunkError, Message
from console.media.rtmp.session import _Aborted, _Eof, _Fail, _Session

SEND_SLICE = 16384  # bytes handed to one send() (one TLS record)


class RtmpTransport:
    """Socket I/O for one RTMP connection at a time; mixed into RtmpPublisher."""

    def _wait_io(
        self,
        sock: socket.socket,
        *,
        read: bool,
        write: bool,
        deadline: float,
        wake_returns: bool = False,
    ) -> bool:
        """Wait until ``sock`` is ready (True) or the deadline passes (False).

        A wake-up from send()/stop() returns True only with ``wake_returns``; an abort (or a
        stop while still connecting) raises :class:`_Aborted`.
        """
        while True:
            if self._abort.is_set() or (
                self._stopping.is_set()
                and self._state in (OutputState.CONNECTING, OutputState.RECONNECTING)
            ):
                raise _Aborted()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            rl: list[Any] = [self._wake_r]
            if read:
                rl.append(sock)
            wl = [sock] if write else []
            try:
                r, w, _ = select.select(rl, wl, [], min(remaining, 1.0))
            except (OSError, ValueError) as exc:
                raise _Fail(f"the connection to {self._target.host_port} broke ({exc})") from None
            if self._wake_r in r:
                with contextlib.suppress(OSError):
                    while self._wake_r.recv(4096):
                        pass
                if not (set(r) - {self._wake_r}) and not w:
                    if wake_returns:
                        return True  # woken by send()/stop(): the caller re-checks its queue
                    continue
            if r or w:
                return True

    def _recv_some(self, sess: _Session) -> bytes | None:
        """Non-blocking read: bytes, None when nothing is ready; raises on EOF."""
        try:
            data = sess.sock.recv(65536)
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError, InterruptedError):
            return None
        except ssl.SSLError as exc:
            raise _Fail(f"TLS error from {self._target.host_port} ({exc.reason or exc})") from None
        except (ConnectionResetError, BrokenPipeError):
            raise _Eof() from None
        except OSError as exc:
            raise _Fail(
                f"the connection to {self._target.host_port} broke ({exc.strerror or exc}): "
                "check the network and the server"
            ) from None
        if not data:
            raise _Eof()
        return data

    def _send_all(self, sess: _Session, data: bytes, *, stall_timeout: float) -> None:
        """Write everything; fail if the peer accepts nothing for ``stall_timeout`` seconds."""
        view = memoryview(data)
        off = 0
        last_progress = time.monotonic()
        while off < len(view):
            if sess.pending_write is None:
                sess.pending_write = view[off : off + SEND_SLICE]
            chunk = sess.pending_write
            try:
                n = sess.sock.send(chunk)
            except ssl.SSLWantWriteError:
                n = -1
            except ssl.SSLWantReadError:
                n = -2
            except (BlockingIOError, InterruptedError):
                n = -1
            except ssl.SSLError as exc:
                raise _Fail(
                    f"TLS error from {self._target.host_port} ({exc.reason or exc})"
                ) from None
            except OSError as exc:
                if exc.errno in (errno.EPIPE, errno.ECONNRESET):
                    raise _Eof() from None
                raise _Fail(
                    f"the connection to {self._target.host_port} broke "
                    f"({exc.strerror or exc}): check the network and the server"
                ) from None
            if n > 0:
                sess.pending_write = None
                off += n
                self._bytes_sent += n
                last_progress = time.monotonic()
                self._note_sent(sess)
                continue
            deadline = last_progress + stall_timeout
            now = time.monotonic()
            if sess.streaming and now < deadline:
                # Acknowledgements keep arriving (and are counted) while the write waits.
                self._check_acks(sess)
                self._wait_io(
                    sess.sock, read=True, write=(n != -2), deadline=min(deadline, now + 0.25)
                )
                self._poll_server(sess)
                self._note_sent(sess)
                continue
            if sess.streaming:
                ready = False
            else:
                ready = now < deadline and self._wait_io(
                    sess.sock, read=(n == -2), write=(n != -2), deadline=deadline
                )
            if not ready:
                raise _Fail(
                    f"no data accepted by {self._target.host_port} for {stall_timeout:g} s "
                    "(network stalled): check the network connection or lower the bitrate"
                )

    def _write_messages(self, sess: _Session, msgs: list[Message], *, stall_timeout: float) -> None:
        data = b"".join(sess.writer.encode(m) for m in msgs)
        self._send_all(sess, data, stall_timeout=stall_timeout)

    def _read_messages(self, sess: _Session) -> list[Message]:
        """Everything the server has sent so far (non-blocking)."""
        out: list[Message] = []
        while True:
            data = self._recv_some(sess)
            if data is None:
                return out
            try:
                out += sess.reader.feed(data)
            except (ChunkError, ValueError, struct.error) as exc:
                raise _Fail(
                    f"{self._target.host_port} sent data that is not valid RTMP ({exc})"
                ) from None

    def _tcp_connect(self) -> socket.socket:
        t = self._target
        hp = t.host_port
        ct = self.connect_timeout
        deadline = time.monotonic() + ct
        try:
            infos = socket.getaddrinfo(t.host, t.port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise _Fail(
                f"cannot resolve server host {t.host} ({exc.strerror}): check the server URL "
                "and your network"
            ) from None
        last_err = "no address"
        for family, stype, proto, _canon, addr in infos:
            sock = socket.socket(family, stype, proto)
            try:
                sock.setblocking(False)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                if self.send_buffer:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.send_buffer)
                rc = sock.connect_ex(addr)
                if rc not in (0, errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EALREADY):
                    raise OSError(rc, errno.errorcode.get(rc, str(rc)))
                if rc != 0:
                    if not self._wait_io(sock, read=False, write=True, deadline=deadline):
                        raise TimeoutError()
                    rc = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if rc:
                        raise OSError(rc, _strerror(rc))
                return sock
            except TimeoutError:
                sock.close()
                raise _Fail(
                    f"timed out connecting to {hp} after {ct:g} s: check the server URL, "
                    "the port and your network (a firewall may be dropping it)"
                ) from None
            except _Aborted:
                sock.close()
                raise
            except OSError as exc:
                sock.close()
                if exc.errno == errno.ECONNREFUSED:
                    last_err = "connection refused"
                else:
                    last_err = exc.strerror or str(exc)
        raise _Fail(
            f"cannot connect to {hp} ({last_err}): check the server URL and that the server "
            "is running"
        )

    def _tls_wrap(self, sock: socket.socket) -> socket.socket:
        t = self._target
        hp = t.host_port
        ctx = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if self.ca_file:
            try:
                ctx.load_verify_locations(cafile=self.ca_file)
            except (OSError, ssl.SSLError) as exc:
                raise _Fail(
                    f"cannot load the CA file {self.ca_file} ({getattr(exc, 'strerror', None) or exc}): "
                    "check the path and that it is a PEM certificate"
                ) from None
        try:
            tls = ctx.wrap_socket(sock, server_hostname=t.host, do_handshake_on_connect=False)
        except (ssl.SSLError, ValueError, OSError) as exc:
            raise _Fail(f"cannot start TLS with {hp} ({exc})") from None
        deadline = time.monotonic() + self.connect_timeout
        while True:
            try:
                tls.do_handshake()
                return tls
            except ssl.SSLWantReadError:
                ready = self._wait_io(tls, read=True, write=False, deadline=deadline)
            except ssl.SSLWantWriteError:
                ready = self._wait_io(tls, read=False, write=True, deadline=deadline)
            except ssl.SSLCertVerificationError as exc:
                detail = exc.verify_message or exc.reason or str(exc)
                # 64 = X509_V_ERR_IP_ADDRESS_MISMATCH: a trusted certificate for other names
                if exc.verify_code == 64 or "ip address mismatch" in str(detail).lower():
                    raise _Fail(
                        f"TLS certificate of {t.host} does not match the IP address ({detail}): "
                        "connect by the host name the certificate is issued for, or check the "
                        "server URL"
                    ) from None
                if exc.verify_code == 62 or "hostname" in str(detail).lower():
                    raise _Fail(
                        f"TLS certificate of {t.host} does not match the host name ({detail}): "
                        "check the server URL"
                    ) from None
                raise _Fail(
                    f"TLS certificate of {t.host} not trusted ({detail}): use the platform's "
                    "rtmps URL, or pass the server's CA file if it is a private server"
                ) from None
            except ssl.SSLError as exc:
                raise _Fail(
                    f"TLS handshake with {hp} failed ({exc.reason or exc}): check that the port "
                    "speaks RTMPS (rtmps://) and not plain RTMP"
                ) from None
            except OSError as exc:
                raise _Fail(
                    f"TLS handshake with {hp} failed ({exc.strerror or exc}): check that the "
                    "port speaks RTMPS"
                ) from None
            if not ready:
                raise _Fail(
                    f"timed out in the TLS handshake with {hp} after {self.connect_timeout:g} s: "
                    "check that the port speaks RTMPS (rtmps://)"
                )

    def _unsent(self, sock: socket.socket) -> int | None:
        """Bytes the kernel still holds for this socket (Linux SIOCOUTQ, macOS SO_NWRITE);
        None where the platform does not say (the estimator then uses the acknowledgements)."""
        if not self._unsent_supported:
            return None
        try:
            if sys.platform.startswith("linux"):
                import fcntl
                import termios

                buf = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
                return int(struct.unpack("i", buf)[0])
            if sys.platform == "darwin":
                return int(sock.getsockopt(socket.SOL_SOCKET, 0x1024))  # SO_NWRITE
        except (OSError, ValueError, ImportError, AttributeError):
            pass
        self._unsent_supported = False
        return None

    def _close(self, sess: _Session, *, graceful: bool) -> None:
        sock = sess.sock
        if graceful:
            # Half-close, then read until the server closes, so the tail of the stream is
            # not discarded by a reset (closing with unread data sends RST).
            if isinstance(sock, ssl.SSLSocket):
                # close_notify first: a bare TCP FIN under TLS reads as an error to a TLS
                # terminator, which may then drop what it has not forwarded yet.
                with contextlib.suppress(ssl.SSLError, OSError, ValueError):
                    sock.unwrap()  # non-blocking: sends close_notify, then wants to read
            with contextlib.suppress(OSError, ValueError):
                socket.socket.shutdown(sock, socket.SHUT_WR)
            deadline = time.monotonic() + min(1.0, self.write_timeout)
            with contextlib.suppress(_Fail, _Aborted, _Eof, OSError):
                while True:
                    if self._recv_some(sess) is None and not self._wait_io(
                        sock, read=True, write=False, deadline=deadline
                    ):
                        break
        with contextlib.suppress(OSError):
            sock.close()


def _strerror(code: int) -> str:
    return os.strerror(code)
