package io.balor.proxy;

import io.balor.SessionInfo;
import io.balor.http.HttpLimits;
import io.balor.http2.Http2Connection;
import io.balor.http2.Http2Limits;
import io.balor.http2.Http2Stream;
import io.balor.http2.StreamHandler;
import io.balor.loop.EventLoop;
import io.balor.loop.IoHandler;
import io.balor.loop.Timer;
import io.balor.net.Acceptor;
import io.balor.net.Connection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;

/**
 * An L7 session whose client speaks HTTP/2 (ALPN {@code h2}, or h2c with prior knowledge): one
 * client connection, its frames kept by an {@link Http2Connection}, and one {@link HttpExchange}
 * per stream, each with a {@link StreamClient} for its client side. An {@link HttpSession} hands
 * its connection over when it sees the client preface (or ALPN chose {@code h2}). Owned by one
 * loop's thread, with every upstream socket its exchanges use.
 *
 * <p>The session reads the client into one buffer and writes the connection's frames from
 * another, both the loop's, and gives them back while no stream is open and nothing waits (an
 * idle connection holds no buffer); what its streams need only within one call, and their client
 * sides, are the loop's too ({@link StreamScratch}). It reads only while the connection has room
 * for its answers and the streams have window (flow control bounds what each stream holds). Its timer closes a
 * connection with no stream for the listener's keep-alive timeout (GOAWAY, then close); a drain
 * sends GOAWAY and closes once the open streams are done.
 */
public final class Http2Session extends Session implements IoHandler, StreamHandler {

    /** {@link #preface}: the bytes are not the HTTP/2 client preface. */
    static final int PREFACE_NOT = 0;
    /** {@link #preface}: the bytes are the start of it. */
    static final int PREFACE_PART = 1;
    /** {@link #preface}: the bytes start with all of it. */
    static final int PREFACE_WHOLE = 2;

    private final EventLoop loop;
    private final SessionCounters counters;
    private final HttpContext context;
    private final Connection client;
    private final HttpExchanges exchanges;
    private final HttpLimits limits;
    private final Timer timer = new Timer(this::onTimer, this::close);
    /** The client's bytes not yet taken, and the frames not yet written: null while the connection idles. */
    private ByteBuffer in;
    private ByteBuffer out;
    private final Http2Connection h2;
    private final List<StreamClient> active = new ArrayList<>();
    /** What the streams share: the request head and trailers being decoded, the response head being encoded. */
    private final StreamScratch scratch;
    /** The streams something happened to since they last pumped (frames, an upstream event, a timer, room): pumped next. */
    private final List<StreamClient> due = new ArrayList<>();
    /** Stream clients whose stream is over, given back to the loop once no round holds them ({@link #giveBackEnded}). */
    private final List<StreamClient> ended = new ArrayList<>();
    /** The stream whose header block is being decoded, or null. */
    private StreamClient decoding;
    private boolean trailers;
    private long requestId;
    private long bytesFromClient;
    private long bytesFromUpstream;
    private long lastActivity;
    private boolean clientEof;
    /** advance() is running: a stream that moves from inside it asks for another round instead. */
    private boolean advancing;
    /** {@link #atTurnEnd} is queued on the loop. */
    private boolean turnEndDue;
    private final Runnable atTurnEnd = this::atTurnEnd;
    private boolean again;

    /**
     * Takes the client connection over from an {@link HttpSession} with the octets it already read
     * ({@code read[0, position)}: the preface, perhaps more), which are copied here.
     */
    Http2Session(EventLoop loop, Acceptor acceptor, SessionCounters counters, SessionList sessions,
                 HttpContext context, HttpExchanges exchanges, HttpLimits limits, Connection client, long requestId,
                 ByteBuffer read, long bytesFromClient) {
        super(acceptor, sessions);
        this.loop = loop;
        this.counters = counters;
        this.context = context;
        this.client = client;
        this.exchanges = exchanges;
        this.limits = limits;
        this.requestId = requestId;
        this.bytesFromClient = bytesFromClient;
        this.in = loop.buffers().acquire();
        this.out = loop.buffers().acquire();
        // A stream's window fits the request buffer beside its head; the list fits that head.
        int buffer = in.capacity();
        Http2Limits h2Limits = new Http2Limits(Http2Limits.DEFAULT.maxConcurrentStreams(), buffer / 2,
                Math.max(Http2Limits.DEFAULT.connectionWindow(), buffer * 4), Math.min(limits.maxHead(), buffer / 2 - 1024),
                Http2Limits.DEFAULT.headerTableSize());
        this.scratch = exchanges.streamScratch();
        this.h2 = new Http2Connection(h2Limits, this, out, loop.now(), scratch.codec);
        read.flip();
        in.put(read);
    }

    /** Starts serving the connection: SETTINGS out, what was read handled. Loop thread. */
    void start() {
        sessions.add(this);
        client.attach(this);
        h2.start();
        touch();
        arm();
        advance();
    }

    /** Whether {@code in[from, to)} is, or starts, the HTTP/2 client preface (RFC 9113 §3.4). */
    static int preface(ByteBuffer in, int from, int to) {
        byte[] preface = io.balor.http2.Frames.CLIENT_PREFACE;
        int n = Math.min(to - from, preface.length);
        for (int i = 0; i < n; i++) {
            if (in.get(from + i) != preface[i]) {
                return PREFACE_NOT;
            }
        }
        return n == preface.length ? PREFACE_WHOLE : PREFACE_PART;
    }

    Http2Connection h2() {
        return h2;
    }

    @Override
    void releaseAll() {
        loop.timers().cancel(timer);
        for (StreamClient stream : new ArrayList<>(active)) {
            stream.close();
        }
        client.close();
        h2.output(null);   // a late frame would fail here, never land in a buffer another session took
        in = release(in);
        out = release(out);
        giveBackEnded();
    }

    @Override
    public void drain() {
        if (closed) {
            return;
        }
        buffers();
        h2.goAway();
        advance();
    }

    @Override
    public SessionInfo describe() {
        HttpPolicy policy = context.policy();
        return new SessionInfo(policy == null ? "?" : policy.listener(), client.peer(), null,
                "h2, " + active.size() + " streams", bytesFromClient, bytesFromUpstream, 0, out == null ? 0 : out.position(),
                false, false);
    }

    // ---- events

    @Override
    public void onReady(int readyOps) {
        buffers();
        if ((readyOps & SelectionKey.OP_READ) != 0) {
            try {
                if (in.hasRemaining()) {
                    int n = client.read(in);
                    counters.received(n);
                    if (n < 0) {
                        clientEof = true;
                    } else if (n > 0) {
                        bytesFromClient += n;
                        touch();
                    }
                }
            } catch (IOException e) {
                close();
                return;
            }
        }
        advance();
    }

    @Override
    public void onFailure(Throwable cause) {
        close();
    }

    /**
     * A stream's exchange moved (an upstream event, a timer, its end): it pumps, and the frames go
     * out, at the end of the loop's turn, so that the streams whose upstreams answered in one turn
     * share one write to the client.
     */
    void streamReady(StreamClient stream) {
        if (!closed) {
            markDue(stream);
            if (!turnEndDue) {
                turnEndDue = true;
                loop.endOfTurn(atTurnEnd);   // from a round at the turn's end: still in this turn
            }
        }
    }

    private void atTurnEnd() {
        turnEndDue = false;
        if (!closed) {
            advance();
        }
    }

    /** {@code stream} pumps in the next round (each round pumps only the streams that may move, not all). */
    private void markDue(StreamClient stream) {
        if (stream != null && !stream.due) {
            stream.due = true;
            due.add(stream);
        }
    }

    /** Reads, pumps and writes until nothing moves; from inside itself it only asks for another round. */
    private void advance() {
        if (advancing) {
            again = true;
            return;
        }
        advancing = true;
        buffers();
        try {
            do {
                again = false;
                round();
            } while (again && !closed);
        } finally {
            advancing = false;
        }
        giveBackEnded();
        if (!closed) {
            releaseIfIdle();
            interest();
        }
    }

    /** Gives the loop back the stream clients that ended and are no longer due to pump here. */
    private void giveBackEnded() {
        for (int i = ended.size() - 1; i >= 0; i--) {
            StreamClient stream = ended.get(i);
            if (!stream.due) {
                ended.remove(i);
                scratch.giveStream(stream);
            }
        }
    }

    /** Takes the buffers back from the loop's pool if the connection idled without them. */
    private void buffers() {
        if (in == null && !closed) {
            in = loop.buffers().acquire();
        }
        if (out == null && !closed) {
            out = loop.buffers().acquire();
            h2.output(out);
        }
    }

    /**
     * No stream open, nothing read and not taken, nothing to write: the buffers go back to the
     * loop's pool, so that an idle HTTP/2 connection holds none (as an idle HTTP/1.1 one); the
     * next event takes them again ({@link #buffers}).
     */
    private void releaseIfIdle() {
        if (active.isEmpty() && due.isEmpty() && in.position() == 0 && out.position() == 0 && client.flushed()
                && !h2.held()) {
            h2.output(null);
            in = release(in);
            out = release(out);
        }
    }

    private ByteBuffer release(ByteBuffer buffer) {
        if (buffer != null) {
            loop.buffers().release(buffer);
        }
        return null;
    }

    void released(StreamClient stream) {
        active.remove(stream);   // still in the due list, it pumps as a closed one: nothing
        ended.add(stream);
        arm();
    }

    void addBytesFromUpstream(long bytes) {
        bytesFromUpstream += bytes;
    }

    /** Reads the frames there is room for, moves every stream, writes. */
    private void round() {
        in.flip();
        h2.receive(in, loop.now());
        if (closed) {
            return;   // a connection error closed it: its buffers are gone
        }
        in.compact();
        for (int i = 0; i < due.size(); i++) {   // a pump may make another stream due: it is added behind
            StreamClient stream = due.get(i);
            stream.due = false;
            stream.pump();
            stream.interest();   // only a stream that pumped has a new interest in its upstream
        }
        due.clear();
        if (closed) {
            return;
        }
        int written = flush();
        if (closed) {
            return;
        }
        if (h2.closed() && out.position() == 0 || clientEof) {
            close();
        } else if (h2.held() && out.position() == 0 || written > 0 && responsesWaiting()) {
            // The flush made room that frames waiting in the input, or responses waiting for the
            // output, can use now: no event will say so (the socket stays writable, the upstream
            // is not read while a stream's response buffer is full, the client waits for data).
            again = true;
        }
    }

    /** Whether responses wait for room in the output; those streams pump in the next round. */
    private boolean responsesWaiting() {
        boolean waiting = false;
        for (int i = 0; i < active.size(); i++) {
            if (active.get(i).responseWaiting()) {
                markDue(active.get(i));
                waiting = true;
            }
        }
        return waiting;
    }

    private void interest() {
        client.interest(SelectionKey.OP_READ, !clientEof && (in == null || in.hasRemaining()));
        client.interest(SelectionKey.OP_WRITE, out != null && out.position() > 0 || !client.flushed());
    }

    /** Writes what waits for the client; the octets written. */
    private int flush() {
        int n = 0;
        if (out == null) {
            return 0;
        }
        try {
            if (out.position() > 0) {
                out.flip();
                n = client.write(out);
                out.compact();
                if (n > 0) {
                    counters.sent(n);
                    touch();
                }
            }
            client.flush();
        } catch (IOException e) {
            close();
        }
        return n;
    }

    private void touch() {
        lastActivity = loop.now();
    }

    /** The idle timer: armed for the keep-alive timeout while no stream is open. */
    private void arm() {
        if (!active.isEmpty()) {
            return;   // the common case, without a look-up of the listener's policy
        }
        HttpPolicy policy = context.policy();
        if (policy != null) {
            loop.timers().schedule(timer, lastActivity + policy.keepAliveTimeoutNanos());
        }
    }

    private void onTimer() {
        HttpPolicy policy = context.policy();
        if (closed || !active.isEmpty() || policy == null) {
            return;
        }
        long due = lastActivity + policy.keepAliveTimeoutNanos();
        if (loop.now() - due < 0) {
            loop.timers().schedule(timer, due);
            return;
        }
        buffers();
        h2.goAway();
        advance();
    }

    // ---- StreamHandler

    @Override
    public void onHeadersStart(Http2Stream stream, boolean trailers) {
        this.trailers = trailers;
        if (trailers) {
            decoding = (StreamClient) stream.attachment();
            if (decoding != null) {
                decoding.trailers().reset();
            }
            return;
        }
        StreamClient client = scratch.takeStream();
        active.add(client);
        loop.timers().cancel(timer);
        client.start(this, stream);
        decoding = client;
        markDue(client);
    }

    @Override
    public void field(byte[] bytes, int nameFrom, int nameLength, int valueFrom, int valueLength, boolean sensitive) {
        if (decoding != null) {
            (trailers ? decoding.trailers() : decoding.requestHead())
                    .field(bytes, nameFrom, nameLength, valueFrom, valueLength, sensitive);
        }
    }

    @Override
    public void onHeadersEnd(Http2Stream stream, boolean endStream, boolean tooLarge) {
        StreamClient client = decoding;
        decoding = null;
        if (client == null) {
            return;
        }
        markDue(client);
        if (trailers) {
            client.trailersEnd(tooLarge);
            return;
        }
        requestId++;
        client.headEnd(endStream, tooLarge, requestId, exchanges, counters, context, this.client);
    }

    @Override
    public void onData(Http2Stream stream, ByteBuffer data, int from, int length, boolean endStream) {
        StreamClient client = (StreamClient) stream.attachment();
        if (client == null) {
            h2.consumed(stream, length);
            return;
        }
        markDue(client);
        client.data(data, from, length, endStream);
    }

    @Override
    public void onWritable(Http2Stream stream) {
        markDue((StreamClient) stream.attachment());   // a window opened: its response may go on
    }

    @Override
    public void onClosed(Http2Stream stream, int errorCode) {
        StreamClient client = (StreamClient) stream.attachment();
        stream.attach(null);
        if (client != null) {
            markDue(client);
            client.streamClosed(errorCode);
        }
    }
}
