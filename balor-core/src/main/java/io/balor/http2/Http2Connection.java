package io.balor.http2;

import java.nio.ByteBuffer;

/**
 * One HTTP/2 connection (RFC 9113), without I/O, on either side: the session feeds it the
 * octets the peer sent ({@link #receive}) and sends what it wrote into the session's output
 * buffer. Server side, the application (the proxy) hears of requests through a
 * {@link StreamHandler} and answers with {@link #writeHeaders} and {@link #writeData}; client
 * side ({@link #client}: a connection to an upstream), it opens streams ({@link #openStream}),
 * sends requests the same way and hears of responses through the handler. Owned by the
 * connection's loop thread; in steady state it allocates nothing.
 *
 * <h2>Client side</h2>
 * It writes the preface and SETTINGS with push off (§8.4), takes the server's first frame as its
 * SETTINGS, opens odd streams in order up to the server's SETTINGS_MAX_CONCURRENT_STREAMS and
 * its own table, and reads a stream's HEADERS as its response head (1xx heads as many as come)
 * until the application says the final head is in ({@link Http2Stream#finalHeadReceived}); a
 * HEADERS after that is trailers. A server that opens or pushes a stream fails the connection;
 * its GOAWAY closes the streams above its last stream id with REFUSED_STREAM (never processed,
 * safe to send again, §6.8), and no stream opens after it.
 *
 * <h2>What it keeps</h2>
 * The client preface and the first SETTINGS (§3.4); the peer's settings (§6.5.2) and both
 * directions' flow-control windows, per stream and for the connection (§6.9); each stream's
 * state (§5.1) in a fixed table of {@link Http2Limits#maxConcurrentStreams()} slots; header blocks
 * across CONTINUATION frames ({@link HeaderBlock}) decoded by HPACK in order; the highest stream
 * the client opened, for GOAWAY (§6.8).
 *
 * <h2>Errors</h2>
 * A connection error (§5.4.1) writes GOAWAY with the last stream id and the code, tells the
 * handler every open stream is closed, and {@link #closed()} turns true: flush the output and
 * close. A stream error (§5.4.2) writes RST_STREAM and closes that stream only. A client that
 * resets streams faster than {@link PeerBudget} allows (rapid reset, CVE-2023-44487), or sends
 * too many cheap frames that only make work (empty DATA, empty CONTINUATION, PRIORITY, refused
 * streams), gets GOAWAY with ENHANCE_YOUR_CALM.
 *
 * <h2>Backpressure</h2>
 * It reads frames only while the output buffer has room for what a frame can make it answer
 * ({@link #CONTROL_ROOM}), so a client that floods PINGs or SETTINGS and never reads its
 * answers stops being read. It gives window back (WINDOW_UPDATE) only for what the application
 * says it has passed on ({@link #consumed}), so at most the connection window is buffered.
 */
public final class Http2Connection {

    /** What the output must keep free for the answers to one received frame. */
    static final int CONTROL_ROOM = 64;

    final Http2Limits limits;
    /** This side is the client (a connection to an upstream). */
    final boolean client;
    private int nextStreamId = 1;
    final StreamHandler handler;
    /** Where frames are written; the owner may swap it while nothing waits in it ({@link #output}). */
    ByteBuffer out;
    final FrameReader reader = new FrameReader(Frames.DEFAULT_MAX_FRAME_SIZE);
    final HpackDecoder decoder;
    final HpackEncoder encoder = new HpackEncoder();
    final HeaderBlock block;
    final StreamTable streams;
    final PeerSettings peer = new PeerSettings();
    final FlowControl flow;
    final PeerBudget resets;
    final PeerBudget glitches;
    private final StreamFrames requests = new StreamFrames(this);
    private final ControlFrames control = new ControlFrames(this);
    final RecentStreams recent = new RecentStreams();
    /** RST_STREAM frames owed for want of room in the output. */
    private final OwedResets owedResets;
    private boolean goAwayOwed;
    private int goAwayCode;

    private int prefaceMatched;
    boolean settingsReceived;
    int lastStreamId;
    boolean goAwaySent;
    /** The last stream id of the GOAWAY sent, never raised after (§6.8); -1 before one. */
    private int goAwayLastId = -1;
    boolean goAwayReceived;
    private boolean failed;
    private boolean held;
    private String problem;

    /** The server side of a connection a client made. */
    public Http2Connection(Http2Limits limits, StreamHandler handler, ByteBuffer out, long nowNanos) {
        this(limits, handler, out, nowNanos, new Http2Scratch());
    }

    /** The server side, sharing {@code scratch} with the other connections of its loop. */
    public Http2Connection(Http2Limits limits, StreamHandler handler, ByteBuffer out, long nowNanos,
                           Http2Scratch scratch) {
        this(limits, handler, out, nowNanos, false, scratch);
    }

    /** The client side of a connection to a server (an upstream). */
    public static Http2Connection client(Http2Limits limits, StreamHandler handler, ByteBuffer out, long nowNanos) {
        return new Http2Connection(limits, handler, out, nowNanos, true, new Http2Scratch());
    }

    private Http2Connection(Http2Limits limits, StreamHandler handler, ByteBuffer out, long nowNanos, boolean client,
                            Http2Scratch scratch) {
        this.limits = limits;
        this.client = client;
        this.prefaceMatched = client ? Frames.CLIENT_PREFACE.length : 0;
        this.handler = handler;
        this.out = out;
        this.decoder = new HpackDecoder(limits.headerTableSize(), limits.maxHeaderListSize(), scratch);
        this.block = new HeaderBlock(2 * limits.maxHeaderListSize(), scratch);
        this.streams = new StreamTable(limits.maxConcurrentStreams());
        this.resets = new PeerBudget(1000, 33, nowNanos);
        this.glitches = new PeerBudget(1000, 100, nowNanos);
        this.flow = new FlowControl(limits, out);
        this.owedResets = new OwedResets(limits.maxConcurrentStreams() + RecentStreams.SIZE);
    }

    /**
     * Frames go into {@code buffer} from now on: its owner lends the connection a buffer only while
     * it needs one (an idle connection holds none), and swaps it only when what was written has
     * gone. Null while lent nothing: nothing may be called that writes a frame.
     */
    public void output(ByteBuffer buffer) {
        out = buffer;
        flow.output(buffer);
    }

    /** Writes this side's preface (a client's) and SETTINGS and opens the connection window (§3.4): call once, first. */
    public void start() {
        if (client) {
            out.put(Frames.CLIENT_PREFACE);
        }
        Frames.settings(out, client ? Frames.SETTINGS_ENABLE_PUSH : Frames.SETTINGS_MAX_CONCURRENT_STREAMS,
                client ? 0 : limits.maxConcurrentStreams(),
                Frames.SETTINGS_INITIAL_WINDOW_SIZE, limits.streamWindow(),
                Frames.SETTINGS_MAX_HEADER_LIST_SIZE, limits.maxHeaderListSize(),
                Frames.SETTINGS_HEADER_TABLE_SIZE, limits.headerTableSize());
        flow.open();
    }

    /** Whether the connection is over: flush the output, then close. */
    public boolean closed() {
        return failed || (goAwaySent || goAwayReceived) && streams.open() == 0;
    }

    /**
     * Whether the last {@link #receive} left frames unread for want of room in the output: once
     * the output has drained, call it again, as no new octet may come to prompt it.
     */
    public boolean held() {
        return held;
    }

    /** Why the connection failed, or null. */
    public String problem() {
        return problem;
    }

    public int openStreams() {
        return streams.open();
    }

    /** Client side: whether {@link #openStream} would open one now. */
    public boolean canOpen() {
        return client && !failed && !goAwaySent && !goAwayReceived && nextStreamId > 0
                && streams.open() < Math.min(streams.capacity(), peer.maxConcurrentStreams);
    }

    /**
     * Client side: takes a slot for a new stream, or returns null when {@link #canOpen} is false.
     * Its id comes with its first HEADERS ({@link #writeHeaders}): streams must open in the order
     * of their ids (§5.1.1), and requests are not ready in the order their slots were taken.
     */
    public Http2Stream openStream() {
        if (!canOpen()) {
            return null;
        }
        return streams.open(0, peer.initialWindow, flow.openingWindow());
    }

    /** Client side: gives the stream taken by {@link #openStream} its id as its HEADERS go out; false if none is left. */
    private boolean numbered(Http2Stream stream) {
        if (stream.id != 0) {
            return true;
        }
        if (nextStreamId < 0 || goAwayReceived || failed) {
            close(stream, Frames.REFUSED_STREAM);   // never sent: safe to send elsewhere
            return false;
        }
        stream.id = nextStreamId;
        lastStreamId = nextStreamId;
        nextStreamId += 2;   // past 2^31 - 1 it turns negative: no stream opens any more (§5.1.1)
        return true;
    }

    /** The encoder for this connection's header blocks (for {@link #writeHeaders}). */
    public HpackEncoder encoder() {
        return encoder;
    }

    /**
     * Reads the frames in {@code in} (read mode) while the output has room for their answers;
     * what is left (a part of a frame, or frames not yet read) stays in {@code in}.
     */
    public void receive(ByteBuffer in, long nowNanos) {
        held = false;
        flushOwed();
        if (prefaceMatched < Frames.CLIENT_PREFACE.length && !matchPreface(in)) {
            return;
        }
        while (!failed) {
            if (out.remaining() < CONTROL_ROOM) {
                held = in.hasRemaining();   // frames wait for the output to drain: call again then
                return;
            }
            int result = reader.next(in);
            if (result == FrameReader.NEED_MORE) {
                return;
            }
            if (result == FrameReader.CONNECTION_ERROR) {
                fail(reader.errorCode(), reader.problem());
                return;
            }
            if (!settingsReceived && (reader.type() != Frames.SETTINGS || reader.hasFlag(Frames.ACK))) {
                fail(Frames.PROTOCOL_ERROR, "the peer's first frame is not SETTINGS");
                return;
            }
            if (block.open() && (reader.type() != Frames.CONTINUATION || reader.streamId() != block.streamId())) {
                fail(Frames.PROTOCOL_ERROR, "a frame in the middle of a header block");
                return;
            }
            if (result == FrameReader.STREAM_ERROR) {
                if (reader.streamId() > lastStreamId) {
                    fail(reader.errorCode(), reader.problem() + " on idle stream " + reader.streamId());   // §5.1
                    return;
                }
                streamError(reader.streamId(), reader.errorCode(), nowNanos);
                continue;
            }
            frame(in, nowNanos);
        }
    }

    private boolean matchPreface(ByteBuffer in) {
        while (in.hasRemaining() && prefaceMatched < Frames.CLIENT_PREFACE.length) {
            if (in.get() != Frames.CLIENT_PREFACE[prefaceMatched++]) {
                fail(Frames.PROTOCOL_ERROR, "not the HTTP/2 client preface");
                return false;
            }
        }
        return prefaceMatched == Frames.CLIENT_PREFACE.length;
    }

    private void frame(ByteBuffer in, long now) {
        int id = reader.streamId();
        switch (reader.type()) {
            case Frames.SETTINGS:
                control.settings(in);
                break;
            case Frames.PING:
                if (!reader.hasFlag(Frames.ACK)) {
                    Frames.ping(out, true, in.getLong(reader.payloadFrom()));
                }
                break;
            case Frames.HEADERS:
                requests.headers(in, now);
                break;
            case Frames.CONTINUATION:
                requests.continuation(in, now);
                break;
            case Frames.DATA:
                requests.data(in, now);
                break;
            case Frames.WINDOW_UPDATE:
                control.windowUpdate(id, in.getInt(reader.payloadFrom()) & Integer.MAX_VALUE, now);
                break;
            case Frames.RST_STREAM:
                control.rstStream(id, in.getInt(reader.payloadFrom()), now);
                break;
            case Frames.PRIORITY:
                if ((in.getInt(reader.payloadFrom()) & Integer.MAX_VALUE) == id) {
                    streamError(id, Frames.PROTOCOL_ERROR, now);   // §5.3.1: it cannot depend on itself
                } else if (!glitches.take(now)) {
                    calm("too many PRIORITY frames");
                }
                break;
            case Frames.GOAWAY:
                control.goAwayReceived(in.getInt(reader.payloadFrom()) & Integer.MAX_VALUE);
                break;
            case Frames.PUSH_PROMISE:
                fail(Frames.PROTOCOL_ERROR, client ? "a PUSH_PROMISE with push off" : "a PUSH_PROMISE from a client");
                break;
            default:
                break;   // §5.5: unknown frame types are ignored
        }
    }

    /**
     * Writes {@code headerBlock} (position to limit: fields written with {@link #encoder()}) as the
     * stream's HEADERS and the CONTINUATIONs it needs. False, writing nothing, when the output has
     * no room for it all yet: keep the block and call again once the output has drained (encoding
     * it again would lose a size update it carries).
     */
    public boolean writeHeaders(Http2Stream stream, ByteBuffer headerBlock, boolean endStream) {
        flushOwed();
        if (!sendable(stream)) {
            return false;
        }
        if (!headersFit(headerBlock.remaining()) || client && !numbered(stream)) {
            return false;   // no room yet; or a client's stream refused for want of an id (closed: REFUSED_STREAM)
        }
        Frames.headers(out, stream.id, headerBlock, peer.maxFrameSize, endStream);
        if (endStream) {
            localEnded(stream);
        }
        return true;
    }

    /** Whether a header block of {@code length} octets has room in the output now ({@link #writeHeaders} takes it). */
    public boolean headersFit(int length) {
        return out.remaining() - CONTROL_ROOM >= Frames.headersLength(length, peer.maxFrameSize);
    }

    /**
     * Sends what the windows and the output allow of {@code src} as DATA, END_STREAM on the last
     * of it when {@code endStream}; returns the octets sent (0: wait for {@link StreamHandler#onWritable}
     * or for the output to drain).
     */
    public int writeData(Http2Stream stream, ByteBuffer src, boolean endStream) {
        flushOwed();
        if (!sendable(stream)) {
            return 0;
        }
        int sent = 0;
        while (true) {
            long allowed = flow.sendable(stream, peer.maxFrameSize);
            int room = out.remaining() - CONTROL_ROOM - Frames.HEADER_LENGTH;
            int chunk = (int) Math.max(0, Math.min(Math.min(allowed, room), src.remaining()));
            boolean last = chunk == src.remaining();
            if (chunk == 0 && !(last && endStream && room >= 0)) {
                return sent;
            }
            Frames.header(out, chunk, Frames.DATA, last && endStream ? Frames.END_STREAM : 0, stream.id);
            int limit = src.limit();
            src.limit(src.position() + chunk);
            out.put(src);
            src.limit(limit);
            flow.sent(stream, chunk);
            sent += chunk;
            if (last) {
                if (endStream) {
                    localEnded(stream);
                }
                return sent;
            }
        }
    }

    /** How many DATA octets {@link #writeData} would send on the stream now, as the windows and the output allow. */
    public int writable(Http2Stream stream) {
        if (!sendable(stream)) {
            return 0;
        }
        long allowed = flow.sendable(stream, Integer.MAX_VALUE);
        int room = out.remaining() - CONTROL_ROOM - Frames.HEADER_LENGTH * (1 + out.remaining() / peer.maxFrameSize);
        return (int) Math.max(0, Math.min(allowed, room));
    }

    /** Ends the stream with an empty DATA frame (END_STREAM); false when the output has no room yet. */
    public boolean endStream(Http2Stream stream) {
        if (!sendable(stream) || out.remaining() - CONTROL_ROOM < Frames.HEADER_LENGTH) {
            return false;
        }
        Frames.header(out, 0, Frames.DATA, Frames.END_STREAM, stream.id());
        localEnded(stream);
        return true;
    }

    /**
     * The application passed on {@code count} octets of the stream's DATA: the peer may send them
     * again (on the connection only when {@code stream} is null or over).
     */
    public void consumed(Http2Stream stream, int count) {
        if (count > 0) {
            flow.giveBack(stream == null || stream.state == Http2Stream.IDLE ? null : stream, count);
        }
    }

    /** Whether this side may still send on the stream: open, or half-closed by the client only. */
    private static boolean sendable(Http2Stream stream) {
        return stream.state == Http2Stream.OPEN || stream.state == Http2Stream.HALF_CLOSED_REMOTE;
    }

    /** Resets the stream with {@code errorCode} (CANCEL, INTERNAL_ERROR ...) and closes it. */
    public void resetStream(Http2Stream stream, int errorCode) {
        if (stream.state == Http2Stream.IDLE || stream.state == Http2Stream.CLOSED) {
            return;
        }
        int id = stream.id;
        if (id == 0) {
            close(stream, errorCode);   // a client's stream whose HEADERS never went: nothing to say
            return;
        }
        owedResets.reset(out, id, errorCode);
        close(stream, errorCode);
        recent.ended(id, true);   // its frames still in flight are dropped, even after a NO_ERROR reset
    }

    /** Writes what was owed for want of room (GOAWAY, RST_STREAMs, WINDOW_UPDATEs) as far as there is room now. */
    private void flushOwed() {
        if (goAwayOwed && out.remaining() >= Frames.HEADER_LENGTH + 8) {
            goAwayOwed = false;
            Frames.goAway(out, goAwayLastId, goAwayCode);
        }
        owedResets.flush(out);
        flow.flushOwed(streams);
    }

    /**
     * Ends the connection gracefully (§6.8): GOAWAY with NO_ERROR and the last stream opened; the open streams
     * go on, new ones are refused, and {@link #closed()} turns true when the last one ends.
     */
    public void goAway() {
        if (!goAwaySent && !failed) {
            sendGoAway(Frames.NO_ERROR);
        }
    }

    /** §6.8: GOAWAY with the last stream id, which a later one never raises; owed if there is no room. */
    private void sendGoAway(int errorCode) {
        goAwaySent = true;
        goAwayLastId = goAwayLastId < 0 ? lastStreamId : Math.min(goAwayLastId, lastStreamId);
        goAwayCode = errorCode;
        if (out.remaining() >= Frames.HEADER_LENGTH + 8) {
            Frames.goAway(out, goAwayLastId, errorCode);
            goAwayOwed = false;
        } else {
            goAwayOwed = true;
        }
    }

    void remoteEnded(Http2Stream stream) {
        stream.state = stream.state == Http2Stream.HALF_CLOSED_LOCAL ? Http2Stream.CLOSED : Http2Stream.HALF_CLOSED_REMOTE;
    }

    private void localEnded(Http2Stream stream) {
        stream.state = stream.state == Http2Stream.HALF_CLOSED_REMOTE ? Http2Stream.CLOSED : Http2Stream.HALF_CLOSED_LOCAL;
        closeIfDone(stream, Frames.NO_ERROR);
    }

    void closeIfDone(Http2Stream stream, int errorCode) {
        if (stream.state == Http2Stream.CLOSED) {
            close(stream, errorCode);
        }
    }

    void close(Http2Stream stream, int errorCode) {
        if (errorCode == Frames.NO_ERROR) {
            recent.ended(stream.id, false);
        }
        stream.state = Http2Stream.CLOSED;
        handler.onClosed(stream, errorCode);
        streams.free(stream);
    }

    void streamError(int id, int errorCode, long now) {
        owedResets.reset(out, id, errorCode);
        recent.ended(id, true);
        Http2Stream stream = streams.find(id);
        if (stream != null) {
            close(stream, errorCode);
            // a stream the client made this side reset costs as one it reset itself ("MadeYouReset")
            if (!resets.take(now)) {
                calm("streams reset faster than 33 a second after the first 1000");
            }
        } else if (!glitches.take(now)) {
            calm("too many streams in error");
        }
    }

    void calm(String why) {
        fail(Frames.ENHANCE_YOUR_CALM, why);
    }

    void fail(int errorCode, String why) {
        if (failed) {
            return;
        }
        failed = true;
        problem = Frames.errorName(errorCode) + ": " + why;
        sendGoAway(errorCode);
        for (int i = 0; i < streams.made(); i++) {
            Http2Stream stream = streams.slot(i);
            if (stream.state != Http2Stream.IDLE) {
                close(stream, errorCode);
            }
        }
    }
}
