#!/usr/bin/python3
"""A real gRPC server and client (Debian's python3-grpcio) for Balor's tests, without protoc.

The service /balor.test.Echo/ takes and returns raw bytes (no protobuf: the handlers' serializers
are None), so its messages are the payloads themselves.

  grpc_peer.py server
      Binds 127.0.0.1:0 (insecure: h2c with prior knowledge), prints the port as the first line of
      stdout, then one JSON line per event ({"event": "call", ...}, {"event": "slow-ended", ...});
      serves until stdin closes or it is killed.
  grpc_peer.py client HOST:PORT CASE
      Runs one case (see CASES) over an insecure channel, prints one JSON line (status, details,
      messages, initial and trailing metadata) and exits 0 when the call behaved as the case
      expects (an error status too, when the case asks for one), 1 otherwise.

Methods: Unary echoes its payload with trailer x-trailer: <payload>, or answers "fail" with
INVALID_ARGUMENT; ServerStream answers "n" with n messages; ClientStream joins its messages with
commas; Bidi echoes each message as it comes; Slow waits until the call ends (its deadline or a
cancel) and says so on the server's stdout.
"""
import json
import os
import queue
import sys
import threading

# Quiet and predictable: no core logging on stderr, no proxy taken from the environment.
os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
for name in ("http_proxy", "https_proxy", "grpc_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
    os.environ.pop(name, None)

import grpc  # noqa: E402  (after the environment is set)

SERVICE = "balor.test.Echo"
CALL_TIMEOUT = 10.0       # seconds, for every case but the deadline one
DEADLINE = 1.0            # seconds, the deadline case's
SLOW_LIMIT = 30.0         # seconds Slow waits for its call to end before it answers anyway
BIDI_ROUNDS = 5

_print_lock = threading.Lock()


def emit(record):
    """One JSON line on stdout, whole (server events come from several threads)."""
    with _print_lock:
        sys.stdout.write(json.dumps(record, sort_keys=True) + "\n")
        sys.stdout.flush()


def text(value):
    return value.decode("latin-1") if isinstance(value, bytes) else value


def metadata_dict(metadata):
    return {key: text(value) for key, value in (metadata or ())}


# ---- server

def unary(request, context):
    if request == b"fail":
        context.set_trailing_metadata((("x-trailer", "fail"),))
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, "asked to fail")
    context.send_initial_metadata((("x-header", "unary"),))
    context.set_trailing_metadata((("x-trailer", text(request)),))
    return request


def server_stream(request, context):
    count = int(request)
    context.set_trailing_metadata((("x-count", str(count)),))
    for i in range(count):
        yield b"msg-%d" % i


def client_stream(requests, context):
    messages = list(requests)
    context.set_trailing_metadata((("x-count", str(len(messages))),))
    return b",".join(messages)


def bidi(requests, context):
    for message in requests:
        yield message


def slow(request, context):
    ended = threading.Event()
    context.add_callback(ended.set)
    had_deadline = context.time_remaining() is not None
    emit({"event": "slow-started", "deadline": had_deadline})
    ended.wait(SLOW_LIMIT)
    emit({"event": "slow-ended", "active": context.is_active()})
    return request


class Echo(grpc.GenericRpcHandler):
    """Routes /balor.test.Echo/<Method>; records each call's method and metadata as an event."""

    methods = {
        "Unary": (grpc.unary_unary_rpc_method_handler, unary),
        "ServerStream": (grpc.unary_stream_rpc_method_handler, server_stream),
        "ClientStream": (grpc.stream_unary_rpc_method_handler, client_stream),
        "Bidi": (grpc.stream_stream_rpc_method_handler, bidi),
        "Slow": (grpc.unary_unary_rpc_method_handler, slow),
    }

    def service(self, handler_call_details):
        service, _, method = handler_call_details.method.lstrip("/").partition("/")
        if service != SERVICE or method not in self.methods:
            return None   # grpcio answers UNIMPLEMENTED
        emit({"event": "call", "method": method,
              "metadata": metadata_dict(handler_call_details.invocation_metadata)})
        kind, behaviour = self.methods[method]
        return kind(behaviour)


def serve():
    from concurrent import futures
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), handlers=(Echo(),),
                         options=(("grpc.so_reuseport", 0),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    sys.stdin.read()   # until the test closes our stdin (or kills us)
    server.stop(grace=None)
    return 0


# ---- client

def result(case, status, details="", messages=(), initial=(), trailing=()):
    return {"case": case, "status": status.name, "details": details or "",
            "messages": [text(m) for m in messages],
            "initial": metadata_dict(initial), "trailers": metadata_dict(trailing)}


def from_error(case, error, messages=()):
    return result(case, error.code(), error.details(), messages,
                  error.initial_metadata(), error.trailing_metadata())


def bidi_ping_pong(channel, case, metadata):
    """Sends message k only once reply k-1 is in: a proxy that holds requests back stalls it."""
    outgoing = queue.Queue()

    def requests():
        while True:
            message = outgoing.get()
            if message is None:
                return
            yield message

    call = channel.stream_stream("/%s/Bidi" % SERVICE)(requests(), timeout=CALL_TIMEOUT, metadata=metadata)
    replies = []
    outgoing.put(b"ping-0")
    try:
        for reply in call:
            replies.append(reply)
            outgoing.put(b"ping-%d" % len(replies) if len(replies) < BIDI_ROUNDS else None)
    except grpc.RpcError as error:
        outgoing.put(None)
        return from_error(case, error, replies)
    return result(case, call.code(), call.details(), replies, call.initial_metadata(), call.trailing_metadata())


def run_case(channel, case):
    metadata = (("x-case", case),)
    path = "/%s/" % SERVICE
    try:
        if case in ("unary", "unary-fail"):
            payload = b"fail" if case == "unary-fail" else b"hello"
            reply, call = channel.unary_unary(path + "Unary").with_call(
                payload, timeout=CALL_TIMEOUT, metadata=metadata)
            return result(case, call.code(), call.details(), [reply], call.initial_metadata(),
                          call.trailing_metadata())
        if case == "server-stream":
            call = channel.unary_stream(path + "ServerStream")(b"3", timeout=CALL_TIMEOUT, metadata=metadata)
            replies = []
            try:
                for reply in call:
                    replies.append(reply)
            except grpc.RpcError as error:
                return from_error(case, error, replies)
            return result(case, call.code(), call.details(), replies, call.initial_metadata(),
                          call.trailing_metadata())
        if case == "client-stream":
            reply, call = channel.stream_unary(path + "ClientStream").with_call(
                iter((b"a", b"b", b"c")), timeout=CALL_TIMEOUT, metadata=metadata)
            return result(case, call.code(), call.details(), [reply], call.initial_metadata(),
                          call.trailing_metadata())
        if case == "bidi":
            return bidi_ping_pong(channel, case, metadata)
        if case == "deadline":
            reply, call = channel.unary_unary(path + "Slow").with_call(
                b"slow", timeout=DEADLINE, metadata=metadata)
            return result(case, call.code(), call.details(), [reply])
    except grpc.RpcError as error:
        return from_error(case, error)
    raise SystemExit("unknown case %r (cases: %s)" % (case, ", ".join(CASES)))


# What each case must end with: status, messages, trailers (None: not checked).
CASES = {
    "unary": ("OK", ["hello"], {"x-trailer": "hello"}),
    "unary-fail": ("INVALID_ARGUMENT", [], {"x-trailer": "fail"}),
    "server-stream": ("OK", ["msg-0", "msg-1", "msg-2"], {"x-count": "3"}),
    "client-stream": ("OK", ["a,b,c"], {"x-count": "3"}),
    "bidi": ("OK", ["ping-%d" % i for i in range(BIDI_ROUNDS)], {}),
    "deadline": ("DEADLINE_EXCEEDED", [], None),
}


def client(target, case):
    options = (("grpc.enable_http_proxy", 0), ("grpc.enable_retries", 0))
    with grpc.insecure_channel(target, options=options) as channel:
        outcome = run_case(channel, case)
    emit(outcome)
    status, messages, trailers = CASES[case]
    behaved = (outcome["status"] == status and outcome["messages"] == messages
               and (trailers is None or outcome["trailers"] == trailers))
    return 0 if behaved else 1


def main(argv):
    if argv[1:] == ["server"]:
        return serve()
    if len(argv) == 4 and argv[1] == "client":
        return client(argv[2], argv[3])
    sys.stderr.write("usage: grpc_peer.py server | grpc_peer.py client HOST:PORT CASE\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
