package io.balor.admin.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.admin.auth.ClientAddress;
import io.balor.admin.http.AuditRecord;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The audit of refusals a client can make at will, aggregated so that a flood costs a line per
 * client a minute, not a line per request: those of clients that are not logged in (wrong
 * passwords, missing tokens, throttled logins, a foreign {@code Host}), by client address, and
 * the refusals of logged-in users ({@code 403}s, invalid bodies, unknown paths), by user and
 * address. In each minute (of the audit clock, windows aligned to the minute) a client's first
 * refusal is written whole, with the username a login tried, and the rest only counted (a user's
 * first refusals whole from at most {@value #MAX_WHOLE_PER_USER} addresses, so one user with many
 * addresses writes few whole lines); when the minute is over, one summary line per client
 * that had more: {@code {"time", "kind": "refusals", "username"?, "client", "from", "to",
 * "count", "statuses": {"401": 57}, "logins": [...], "paths": [...]}} (at most
 * {@value #MAX_LISTED} names and paths each). At most {@value #MAX_CLIENTS} clients are followed
 * in a minute; the rest are counted together in one more summary ({@code "client": "(others)"}).
 *
 * <p>Not thread-safe: its owner ({@link AuditFile}) calls it under its lock, with the clock's time.
 */
final class Refusals {

    static final Duration WINDOW = Duration.ofMinutes(1);
    static final int MAX_CLIENTS = 1024;
    static final int MAX_LISTED = 16;
    static final int MAX_WHOLE_PER_USER = 16;
    static final String OTHERS = "(others)";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The refusals of one client (or of the others) in the current window beyond the first. */
    private static final class Tally {
        String username;
        long count;
        long clients;
        final Map<String, Long> statuses = new TreeMap<>();
        final Set<String> logins = new LinkedHashSet<>();
        final Set<String> paths = new LinkedHashSet<>();

        void add(AuditRecord record) {
            count++;
            statuses.merge(Integer.toString(record.status()), 1L, Long::sum);
            if (record.attemptedUser() != null && logins.size() < MAX_LISTED) {
                logins.add(record.attemptedUser());
            }
            if (paths.size() < MAX_LISTED) {
                paths.add(record.path().length() > 200 ? record.path().substring(0, 200) : record.path());
            }
        }
    }

    private Instant windowStart;
    private final Map<String, Tally> clients = new LinkedHashMap<>();
    private final Map<String, Integer> wholeByUser = new java.util.HashMap<>();
    private Tally others;

    /**
     * Takes {@code record} (an anonymous refusal, {@code line} its JSON line) and returns the lines
     * to write now: the summaries of a window that {@code record} ends, then {@code line} itself
     * (the same object) if it is its client's first of the window.
     */
    List<String> add(AuditRecord record, String line) {
        List<String> lines = flush(record.time());
        if (windowStart == null) {
            windowStart = start(record.time());
        }
        String client = clientKey(record.clientAddress());
        String key = record.anonymous() ? client : record.username() + " " + client;
        Tally tally = clients.get(key);
        if (tally == null && clients.size() < MAX_CLIENTS) {
            Tally first = new Tally();
            first.username = record.anonymous() ? null : record.username();
            clients.put(key, first);
            if (record.anonymous() || wholeByUser.merge(record.username(), 1, Integer::sum) <= MAX_WHOLE_PER_USER) {
                lines.add(line);
            } else {
                first.add(record);   // the user's whole lines of this minute are spent: only counted
            }
        } else if (tally != null) {
            tally.add(record);
        } else {
            if (others == null) {
                others = new Tally();
            }
            others.add(record);
            others.clients++;
        }
        return lines;
    }

    /** The summaries of the current window if {@code now} is past it (which then ends); else none. */
    List<String> flush(Instant now) {
        List<String> lines = new ArrayList<>();
        if (windowStart == null || now.isBefore(windowStart.plus(WINDOW))) {
            return lines;
        }
        Instant end = windowStart.plus(WINDOW);
        clients.forEach((key, tally) -> {
            if (tally.count > 0) {
                lines.add(summary(tally.username == null ? key : key.substring(tally.username.length() + 1), tally, end));
            }
        });
        if (others != null) {
            lines.add(summary(OTHERS, others, end));
        }
        clients.clear();
        wholeByUser.clear();
        others = null;
        windowStart = null;
        return lines;
    }

    private String summary(String client, Tally tally, Instant end) {
        ObjectNode line = JSON.createObjectNode().put("time", end.toString()).put("kind", "refusals");
        if (tally.username != null) {
            line.put("username", tally.username);
        }
        line.put("client", client).put("from", windowStart.toString()).put("to", end.toString())
                .put("count", tally.count);
        if (client.equals(OTHERS)) {
            line.put("note", "refusals of clients past the " + MAX_CLIENTS + " followed this minute (requests, not"
                    + " distinct clients: " + tally.clients + ")");
        }
        ObjectNode statuses = line.putObject("statuses");
        tally.statuses.forEach(statuses::put);
        tally.logins.forEach(line.putArray("logins")::add);
        tally.paths.forEach(line.putArray("paths")::add);
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an audit summary", e);
        }
    }

    private static Instant start(Instant time) {
        long window = WINDOW.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(time.toEpochMilli(), window) * window);
    }

    /** The key of a client's address as audit records write it (an IP literal: never looked up). */
    private static String clientKey(String address) {
        if (address.indexOf(':') < 0 && !address.matches("[0-9.]+")) {
            return address;
        }
        try {
            return ClientAddress.key(InetAddress.getByName(address.indexOf(':') >= 0 ? "[" + address + "]" : address));
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
