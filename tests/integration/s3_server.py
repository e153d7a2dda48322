"""A real moto S3 server on loopback, for tests that talk to S3 over HTTP."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from moto.server import ThreadedMotoServer


class MotoS3Server:
    """moto's standalone server on a free loopback port, reachable at endpoint_url."""

    def __init__(self) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        self._running = True
        # moto keeps buckets in the process, not in the server: every new server starts empty.
        reset = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(reset, timeout=10) as response:
            response.read()

    def stop(self) -> None:
        """Stop serving and close the listening socket, so connections are refused."""
        if not self._running:
            return
        self._running = False
        self._server.stop()
        # ThreadedMotoServer.stop() leaves the socket listening: clients would hang, not fail.
        if self._server._server is not None:
            self._server._server.server_close()


@contextmanager
def running_moto_server() -> Iterator[MotoS3Server]:
    """Start a moto S3 server for the duration of the block."""
    server = MotoS3Server()
    try:
        yield server
    finally:
        server.stop()
