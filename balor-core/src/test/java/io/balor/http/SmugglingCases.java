package io.balor.http;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Request-smuggling payloads as a table, drawn from public work (smuggler.py's mutations of
 * {@code Transfer-Encoding: chunked}, the CL.TE / TE.CL / TE.TE families, chunk-size overflow and
 * trailer tricks). Each case is an attack request; what a client sends is the attack followed by
 * the pipelined {@link #CANARY}, see {@link Case#bytes()}. Each says what Balor must do: refuse it
 * (at the head or in the body, with a status), or accept it with a framing, reading exactly the
 * attack's bytes, so that the canary is the next request. Plain data: the same table drives
 * {@link SmugglingCasesTest} (parser and decoder alone) and the end-to-end tests (real sockets,
 * a recording upstream). Immutable.
 */
public final class SmugglingCases {

    /** The request pipelined after every attack. */
    public static final String CANARY = "GET /canary HTTP/1.1\r\nHost: a\r\n\r\n";

    /** What Balor must do with an attack request. */
    public enum Outcome {
        /** Refused from its head: nothing of it reaches an upstream. */
        HEAD_REFUSED,
        /** Head accepted as chunked, body refused: the connection closes, the canary is never read. */
        BODY_REFUSED,
        /** Accepted without a body. */
        NO_BODY,
        /** Accepted, framed by {@code Content-Length}. */
        LENGTH,
        /** Accepted, framed by {@code Transfer-Encoding: chunked}. */
        CHUNKED
    }

    /**
     * One attack.
     *
     * @param name    what it tries, for test names
     * @param attack  the attack request's bytes (ISO-8859-1)
     * @param outcome what Balor must do
     * @param status  the status a refusal answers (0 when accepted)
     * @param body    the payload an upstream must receive when accepted (null when refused)
     */
    public record Case(String name, String attack, Outcome outcome, int status, String body) {

        /** The bytes a client sends: the attack, then the canary. */
        public byte[] bytes() {
            return (attack + CANARY).getBytes(StandardCharsets.ISO_8859_1);
        }

        public boolean refused() {
            return outcome == Outcome.HEAD_REFUSED || outcome == Outcome.BODY_REFUSED;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static final String POST = "POST / HTTP/1.1\r\nHost: a\r\n";
    private static final String HELLO = "5\r\nhello\r\n0\r\n\r\n";
    private static final String TE = "Transfer-Encoding: chunked\r\n";

    private SmugglingCases() {
    }

    private static Case head(String name, int status, String attack) {
        return new Case(name, attack, Outcome.HEAD_REFUSED, status, null);
    }

    /** A Transfer-Encoding line (CRLF included) that must refuse the head, with a chunked body. */
    private static Case teLine(String name, int status, String line) {
        return head(name, status, POST + line + "\r\n" + HELLO);
    }

    /** A Content-Length line (CRLF included) that must refuse the head, with a 5-byte body. */
    private static Case clLine(String name, String line) {
        return head(name, 400, POST + line + "\r\nhello");
    }

    /** A chunked body that must be refused. */
    private static Case body(String name, String body) {
        return new Case(name, POST + TE + "\r\n" + body, Outcome.BODY_REFUSED, 400, null);
    }

    private static Case accepted(String name, Outcome outcome, String attack, String body) {
        return new Case(name, attack, outcome, 0, body);
    }

    private static Case chunked(String name, String teLine, String body, String payload) {
        return accepted(name, Outcome.CHUNKED, POST + teLine + "\r\n" + body, payload);
    }

    /** Every case. */
    public static final List<Case> ALL = List.of(
            // Transfer-Encoding spellings a front end and a back end may read differently
            teLine("te space before colon", 400, "Transfer-Encoding : chunked\r\n"),
            teLine("te tab before colon", 400, "Transfer-Encoding\t: chunked\r\n"),
            teLine("te NUL in name", 400, "Transfer-Encoding\u0000: chunked\r\n"),
            teLine("te vertical tab before value", 400, "Transfer-Encoding:\u000Bchunked\r\n"),
            teLine("te form feed before value", 400, "Transfer-Encoding:\u000Cchunked\r\n"),
            teLine("te NUL before value", 400, "Transfer-Encoding: \u0000chunked\r\n"),
            teLine("te vertical tab after value", 400, "Transfer-Encoding: chunked\u000B\r\n"),
            teLine("te form feed after value", 400, "Transfer-Encoding: chunked\u000C\r\n"),
            teLine("te NUL after value", 400, "Transfer-Encoding: chunked\u0000\r\n"),
            teLine("te CR after value", 400, "Transfer-Encoding: chunked\r\r\n"),
            teLine("te leading junk", 501, "Transfer-Encoding: xchunked\r\n"),
            teLine("te x-chunked", 501, "Transfer-Encoding: x-chunked\r\n"),
            teLine("te chunk", 501, "Transfer-Encoding: chunk\r\n"),
            teLine("te trailing junk", 501, "Transfer-Encoding: chunkedz\r\n"),
            teLine("te trailing comma", 501, "Transfer-Encoding: chunked,\r\n"),
            teLine("te leading comma", 501, "Transfer-Encoding: , chunked\r\n"),
            teLine("te identity then chunked", 501, "Transfer-Encoding: identity, chunked\r\n"),
            teLine("te chunked then identity", 501, "Transfer-Encoding: chunked, identity\r\n"),
            teLine("te chunked twice in a list", 501, "Transfer-Encoding: chunked, chunked\r\n"),
            teLine("te cow comma chunked", 501, "Transfer-Encoding: cow, chunked\r\n"),
            teLine("te quoted", 400, "Transfer-Encoding: \"chunked\"\r\n"),
            teLine("te with a parameter", 400, "Transfer-Encoding: chunked;q=1\r\n"),
            teLine("te Kelvin sign for k", 400, "Transfer-Encoding: chun\u00e2\u0084\u00aaed\r\n"),
            teLine("te empty", 400, "Transfer-Encoding: \r\n"),
            teLine("te twice", 400, TE + TE),
            teLine("te chunked then identity field", 400, TE + "Transfer-Encoding: identity\r\n"),
            teLine("te identity field then chunked", 501, "Transfer-Encoding: identity\r\n" + TE),
            teLine("te chunked then empty field", 400, TE + "Transfer-Encoding:\r\n"),
            teLine("te obs-fold before value", 400, "Transfer-Encoding:\r\n chunked\r\n"),
            teLine("te obs-fold with tab before value", 400, "Transfer-Encoding:\r\n\tchunked\r\n"),
            teLine("te folded into the field before", 400, "X: y\r\n " + TE),
            teLine("LF-only line before te", 400, "X: y\n" + TE),
            teLine("CR-only line before te", 400, "X: y\r" + TE),
            teLine("te line ends in LF only", 400, "Transfer-Encoding: chunked\n"),
            head("te as first field with a leading space", 400,
                    "POST / HTTP/1.1\r\n " + TE + "Host: a\r\n\r\n" + HELLO),
            head("te in HTTP/1.0", 400, "POST / HTTP/1.0\r\n" + TE + "\r\n" + HELLO),
            head("te in HTTP/1.0 with Host", 400, "POST / HTTP/1.0\r\nHost: a\r\n" + TE + "\r\n" + HELLO),
            // both framings (CL.TE and TE.CL)
            head("cl then te", 400, POST + "Content-Length: 6\r\n" + TE + "\r\n0\r\n\r\nG"),
            head("te then cl", 400, POST + TE + "Content-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n"),
            head("cl then obfuscated te", 501,
                    POST + "Content-Length: 6\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\nG"),
            head("cl then te with space before colon", 400,
                    POST + "Content-Length: 6\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\nG"),
            // Content-Length spellings
            clLine("cl plus sign", "Content-Length: +5\r\n"),
            clLine("cl minus sign", "Content-Length: -5\r\n"),
            clLine("cl space inside", "Content-Length: 1 5\r\n"),
            clLine("cl list of different values", "Content-Length: 5, 6\r\n"),
            clLine("cl twice with different values", "Content-Length: 5\r\nContent-Length: 6\r\n"),
            clLine("cl hex", "Content-Length: 0x5\r\n"),
            clLine("cl decimal point", "Content-Length: 5.0\r\n"),
            clLine("cl empty", "Content-Length: \r\n"),
            clLine("cl trailing comma", "Content-Length: 5,\r\n"),
            clLine("cl too many digits", "Content-Length: 18446744073709551621\r\n"),
            clLine("cl space before colon", "Content-Length : 5\r\n"),
            clLine("cl obs-fold before value", "Content-Length:\r\n 5\r\n"),
            clLine("cl vertical tab before value", "Content-Length:\u000B5\r\n"),
            clLine("cl Arabic-Indic digit", "Content-Length: \u00d9\u00a5\r\n"),
            // chunked bodies read differently
            body("size with minus sign", "-1\r\nx\r\n0\r\n\r\n"),
            body("size with plus sign", "+5\r\nhello\r\n0\r\n\r\n"),
            body("size with 0x", "0x5\r\nhello\r\n0\r\n\r\n"),
            body("size with leading space", " 5\r\nhello\r\n0\r\n\r\n"),
            body("size with trailing space", "5 \r\nhello\r\n0\r\n\r\n"),
            body("size with underscore", "1_0\r\n0123456789abcdef\r\n0\r\n\r\n"),
            body("size overflowing 64 bits to 5", "10000000000000005\r\nhello\r\n0\r\n\r\n"),
            body("size of 16 hex digits", "ffffffffffffffff\r\nhello\r\n0\r\n\r\n"),
            body("empty size line", "\r\n0\r\n\r\n"),
            body("size line ends in LF only", "5\nhello\r\n0\r\n\r\n"),
            body("data ends in LF only", "5\r\nhello\n0\r\n\r\n"),
            body("data longer than its size", "5\r\nhelloX\r\n0\r\n\r\n"),
            body("smuggler.py 1 Z Q", "1\r\nZ\r\nQ\r\n\r\n"),
            body("LF in a quoted extension", "5;a=\"\n\"\r\nhello\r\n0\r\n\r\n"),
            body("bare CR in an extension", "5;a\rb\r\nhello\r\n0\r\n\r\n"),
            body("last chunk ends in LF only", "0\r\n\n"),
            body("Content-Length in trailers", "0\r\nContent-Length: 40\r\n\r\n"),
            body("Transfer-Encoding in trailers", "0\r\nTransfer-Encoding: chunked\r\n\r\n"),
            body("obs-fold in trailers", "0\r\nX: y\r\n z\r\n\r\n"),
            body("space before colon in trailers", "0\r\nX : y\r\n\r\n"),
            // spellings that are valid, and must frame exactly the attack
            accepted("no body", Outcome.NO_BODY, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", ""),
            accepted("a blank line before the request", Outcome.NO_BODY, "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", ""),
            chunked("te", TE, HELLO, "hello"),
            chunked("te name in mixed case", "TrAnSfEr-EnCoDiNg: chunked\r\n", HELLO, "hello"),
            chunked("te name in lower case", "transfer-encoding: chunked\r\n", HELLO, "hello"),
            chunked("te value in upper case", "Transfer-Encoding: CHUNKED\r\n", HELLO, "hello"),
            chunked("te tab before value", "Transfer-Encoding:\tchunked\r\n", HELLO, "hello"),
            chunked("te no space before value", "Transfer-Encoding:chunked\r\n", HELLO, "hello"),
            chunked("te spaces and tabs around value", "Transfer-Encoding: \t chunked \t\r\n", HELLO, "hello"),
            chunked("size with leading zeros", TE, "0005\r\nhello\r\n0000\r\n\r\n", "hello"),
            chunked("size in upper and lower hex", TE, "A\r\n0123456789\r\nb\r\nabcdefghijk\r\n0\r\n\r\n",
                    "0123456789abcdefghijk"),
            chunked("chunk extensions", TE, "5;a=b;c=\"d;\\\"e\"\r\nhello\r\n0;f\r\n\r\n", "hello"),
            chunked("trailers", TE, "5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n", "hello"),
            chunked("body that looks like a request", TE, "17\r\nGET /admin HTTP/1.1\r\n\r\n\r\n0\r\n\r\n",
                    "GET /admin HTTP/1.1\r\n\r\n"),
            accepted("te on a GET", Outcome.CHUNKED, "GET / HTTP/1.1\r\nHost: a\r\n" + TE + "\r\n0\r\n\r\n", ""),
            accepted("cl", Outcome.LENGTH, POST + "Content-Length: 5\r\n\r\nhello", "hello"),
            accepted("cl with leading zeros", Outcome.LENGTH, POST + "Content-Length: 005\r\n\r\nhello", "hello"),
            accepted("cl list of equal values", Outcome.LENGTH, POST + "Content-Length: 5, 5\r\n\r\nhello", "hello"),
            accepted("cl twice with equal values", Outcome.LENGTH,
                    POST + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", "hello"),
            accepted("cl of 0 on a GET", Outcome.LENGTH, "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", ""),
            accepted("cl body that holds a request", Outcome.LENGTH,
                    POST + "Content-Length: 32\r\n\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n",
                    "GET /admin HTTP/1.1\r\nHost: a\r\n\r\n"),
            accepted("cl in HTTP/1.0 kept alive", Outcome.LENGTH,
                    "POST / HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 5\r\n\r\nhello", "hello"),
            accepted("te with underscore is another field", Outcome.LENGTH,
                    POST + "Transfer_Encoding: chunked\r\nContent-Length: 15\r\n\r\n" + HELLO, HELLO),
            accepted("te with a trailing s is another field", Outcome.LENGTH,
                    POST + "Transfer-Encodings: chunked\r\nContent-Length: 15\r\n\r\n" + HELLO, HELLO),
            accepted("content-encoding chunked is no framing", Outcome.LENGTH,
                    POST + "Content-Encoding: chunked\r\nContent-Length: 15\r\n\r\n" + HELLO, HELLO),
            accepted("TE chunked is no framing", Outcome.LENGTH,
                    POST + "TE: chunked\r\nContent-Length: 15\r\n\r\n" + HELLO, HELLO),
            // hop-by-hop options naming a framing field: the forwarder must not drop the framing
            accepted("Connection lists Transfer-Encoding", Outcome.CHUNKED,
                    POST + "Connection: Transfer-Encoding\r\n" + TE + "\r\n" + HELLO, "hello"),
            accepted("Connection lists Content-Length", Outcome.LENGTH,
                    POST + "Connection: Content-Length\r\nContent-Length: 5\r\n\r\nhello", "hello"));
}
