package io.balor.admin.acme.dns;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for Route53's API (2013-04-01) on 127.0.0.1 (port 0): ListHostedZonesByName,
 * ListResourceRecordSets and ChangeResourceRecordSets in Route53's XML, errors as
 * {@code <ErrorResponse><Error><Type>, <Code>, <Message>} (or {@code <InvalidChangeBatch>}), and
 * every request's SigV4 {@code Authorization} verified: the signature is computed again from what
 * arrived (method, path, query, the signed headers as received, the body) with the known secret,
 * so a signature over anything but what was sent is refused with 403 SignatureDoesNotMatch, as
 * AWS does. ({@link SigV4} itself is checked against AWS's own vectors in {@link SigV4Test}.)
 * State is touched by the server's one thread; tests read it after the calls returned.
 */
final class FakeRoute53 implements AutoCloseable {

    static final String ACCESS_KEY = "AKIAFAKEROUTE53";
    static final String SECRET = "fake/route53+secret-key-0123456789";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    /** A TXT record set: TTL and values as Route53 holds them (quoted). */
    record TxtSet(long ttl, List<String> values) {
    }

    final Map<String, String> zones = new ConcurrentHashMap<>();        // name with dot -> id
    final Map<String, TxtSet> sets = new ConcurrentHashMap<>();         // record name with dot -> set
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<String> regions = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    FakeRoute53() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/2013-04-01/", this::handle);
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String method = exchange.getRequestMethod();
            URI uri = exchange.getRequestURI();
            String path = uri.getRawPath();
            Map<String, String> query = QueryParams.parse(uri.getRawQuery());
            calls.add(method + " " + path);
            String refusal = verify(exchange, body);
            if (refusal != null) {
                error(exchange, 403, refusal.substring(0, refusal.indexOf(' ')), refusal.substring(refusal.indexOf(' ') + 1));
                return;
            }
            if (method.equals("GET") && path.equals("/2013-04-01/hostedzonesbyname")) {
                StringBuilder xml = new StringBuilder("<ListHostedZonesByNameResponse xmlns=\""
                        + Route53Xml.NAMESPACE + "\"><HostedZones>");
                String wanted = query.getOrDefault("dnsname", "");
                new TreeMap<>(zones).tailMap(wanted.endsWith(".") ? wanted : wanted + ".").entrySet().stream().limit(1)
                        .forEach(zone -> xml.append("<HostedZone><Id>/hostedzone/").append(zone.getValue())
                                .append("</Id><Name>").append(zone.getKey()).append("</Name><CallerReference>x"
                                        + "</CallerReference><ResourceRecordSetCount>2</ResourceRecordSetCount>"
                                        + "</HostedZone>"));
                send(exchange, 200, xml.append("</HostedZones><DNSName>").append(wanted)
                        .append("</DNSName><IsTruncated>false</IsTruncated><MaxItems>1</MaxItems>"
                                + "</ListHostedZonesByNameResponse>").toString());
                return;
            }
            String[] parts = path.split("/");      // "", "2013-04-01", "hostedzone", id, "rrset"
            if (parts.length != 5 || !parts[2].equals("hostedzone") || !parts[4].equals("rrset")) {
                error(exchange, 404, "UnknownOperationException", "no such operation");
                return;
            }
            if (!zones.containsValue(parts[3])) {
                error(exchange, 404, "NoSuchHostedZone", "No hosted zone found with ID: " + parts[3]);
                return;
            }
            if (method.equals("GET")) {
                StringBuilder xml = new StringBuilder("<ListResourceRecordSetsResponse xmlns=\""
                        + Route53Xml.NAMESPACE + "\"><ResourceRecordSets>");
                TxtSet set = sets.get(query.get("name"));
                if (set != null && "TXT".equals(query.get("type"))) {
                    xml.append("<ResourceRecordSet><Name>").append(query.get("name")).append("</Name><Type>TXT</Type><TTL>")
                            .append(set.ttl()).append("</TTL><ResourceRecords>");
                    set.values().forEach(v -> xml.append("<ResourceRecord><Value>").append(v.replace("&", "&amp;")
                            .replace("<", "&lt;")).append("</Value></ResourceRecord>"));
                    xml.append("</ResourceRecords></ResourceRecordSet>");
                }
                send(exchange, 200, xml.append("</ResourceRecordSets><IsTruncated>false</IsTruncated><MaxItems>1"
                        + "</MaxItems></ListResourceRecordSetsResponse>").toString());
            } else if (method.equals("POST")) {
                change(exchange, body);
            } else {
                error(exchange, 405, "UnsupportedOperation", method);
            }
        }
    }

    private void change(HttpExchange exchange, byte[] body) throws IOException {
        Document batch = Route53Xml.parse(body);
        if (batch == null || !"ChangeResourceRecordSetsRequest".equals(batch.getDocumentElement().getLocalName())
                || !Route53Xml.NAMESPACE.equals(batch.getDocumentElement().getNamespaceURI())) {
            error(exchange, 400, "MalformedInput", "not a ChangeResourceRecordSetsRequest");
            return;
        }
        String action = text(batch.getDocumentElement(), "Action");
        String name = text(batch.getDocumentElement(), "Name");
        long ttl = Long.parseLong(text(batch.getDocumentElement(), "TTL"));
        List<String> values = new ArrayList<>();
        NodeList nodes = batch.getElementsByTagNameNS(Route53Xml.NAMESPACE, "Value");
        for (int i = 0; i < nodes.getLength(); i++) {
            String value = nodes.item(i).getTextContent();
            if (!value.startsWith("\"") || !value.endsWith("\"")) {
                invalidBatch(exchange, "Invalid Resource Record: 'FATAL problem: InvalidCharacterString"
                        + " (Value should be enclosed in quotation marks) encountered with '" + value + "''");
                return;
            }
            values.add(value);
        }
        if ("UPSERT".equals(action)) {
            sets.put(name, new TxtSet(ttl, values));
        } else if ("DELETE".equals(action)) {
            if (!new TxtSet(ttl, values).equals(sets.get(name))) {
                invalidBatch(exchange, "Tried to delete resource record set [name='" + name
                        + "', type='TXT'] but the values provided do not match the current values");
                return;
            }
            sets.remove(name);
        } else {
            error(exchange, 400, "InvalidInput", "Invalid XML ; unknown action " + action);
            return;
        }
        send(exchange, 200, "<?xml version=\"1.0\"?>\n<ChangeResourceRecordSetsResponse xmlns=\"" + Route53Xml.NAMESPACE
                + "\"><ChangeInfo><Id>/change/C2682N5HXP0BZ4</Id><Status>PENDING</Status>"
                + "<SubmittedAt>2026-12-06T22:00:00.000Z</SubmittedAt></ChangeInfo></ChangeResourceRecordSetsResponse>");
    }

    /** Null when the request's signature holds; otherwise "Code message". */
    private String verify(HttpExchange exchange, byte[] body) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String date = exchange.getRequestHeaders().getFirst("X-Amz-Date");
        if (authorization == null || date == null || !authorization.startsWith("AWS4-HMAC-SHA256 Credential=")) {
            return "MissingAuthenticationToken Request is missing Authentication Token";
        }
        String[] fields = authorization.substring("AWS4-HMAC-SHA256 ".length()).split(", ");
        String[] credential = fields[0].substring("Credential=".length()).split("/");
        String[] signedHeaders = fields[1].substring("SignedHeaders=".length()).split(";");
        if (!credential[0].equals(ACCESS_KEY)) {
            return "InvalidClientTokenId The security token included in the request is invalid.";
        }
        if (!credential[3].equals("route53") || !credential[4].equals("aws4_request")) {
            return "SignatureDoesNotMatch Credential should be scoped to correct service: 'route53'.";
        }
        Instant signedAt = LocalDateTime.parse(date, AMZ_DATE).toInstant(ZoneOffset.UTC);
        if (Duration.between(signedAt, Instant.now()).abs().compareTo(Duration.ofMinutes(5)) > 0) {
            return "SignatureDoesNotMatch Signature expired: " + date;
        }
        regions.add(credential[2]);
        Map<String, String> headers = new HashMap<>();
        for (String name : signedHeaders) {
            String value = exchange.getRequestHeaders().getFirst(name);
            if (value == null) {
                return "SignatureDoesNotMatch signed header " + name + " was not sent";
            }
            headers.put(name, value);
        }
        URI uri = URI.create("http://" + headers.get("host") + exchange.getRequestURI().toString());
        String expected = new SigV4(ACCESS_KEY, SECRET, credential[2], "route53")
                .sign(exchange.getRequestMethod(), uri, headers, body).authorization();
        return expected.equals(authorization) ? null : "SignatureDoesNotMatch The request signature we calculated does"
                + " not match the signature you provided. Check your AWS Secret Access Key and signing method.";
    }

    private static String text(Element root, String localName) {
        NodeList nodes = root.getElementsByTagNameNS(Route53Xml.NAMESPACE, localName);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent();
    }

    private static void invalidBatch(HttpExchange exchange, String message) throws IOException {
        send(exchange, 400, "<?xml version=\"1.0\"?>\n<InvalidChangeBatch xmlns=\"" + Route53Xml.NAMESPACE
                + "\"><Messages><Message>" + message + "</Message></Messages><RequestId>b25f48e8</RequestId>"
                + "</InvalidChangeBatch>");
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        send(exchange, status, "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"" + Route53Xml.NAMESPACE
                + "\"><Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + message
                + "</Message></Error><RequestId>a8b6a1c3-0000</RequestId></ErrorResponse>");
    }

    private static void send(HttpExchange exchange, int status, String xml) throws IOException {
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }


    @Override
    public void close() {
        server.stop(0);
    }
}
