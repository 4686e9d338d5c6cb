package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.ProxyProtocolConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PROXY protocol in the state file: a listener's {@code proxy_protocol} ({@code accept},
 * {@code trusted}) and a pool's {@code send_proxy_protocol}, read, refused by path, and written
 * back to an equal config.
 */
class StateProxyProtocolTest extends StateFileTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String listener(String proxyProtocol) {
        return "{\"version\": 1, \"listeners\": [{\"name\": \"api\", \"listen\": \"127.0.0.1:6443\", \"pool\": \"masters\","
                + " \"proxy_protocol\": " + proxyProtocol + "}],"
                + " \"pools\": [{\"name\": \"masters\", \"upstreams\": [\"10.0.0.1:6443\"]}]}";
    }

    private static String pool(String extra) {
        return "{\"version\": 1, \"listeners\": [{\"name\": \"web\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\","
                + " \"pool\": \"app\"}], \"pools\": [{\"name\": \"app\", \"upstreams\": [\"10.0.0.4:8080\"]" + extra + "}]}";
    }

    private JsonNode written(BalorConfig config) throws Exception {
        return JSON.readTree(saveAndReload(config));
    }

    @Test
    void acceptIsReadDefaultingToTrue() throws Exception {
        ProxyProtocolConfig bare = read(listener("{\"trusted\": [\"10.0.0.0/8\", \"fd00::/8\"]}")).config()
                .listener("api").proxyProtocol();
        assertEquals(new ProxyProtocolConfig(true, List.of("10.0.0.0/8", "fd00::/8")), bare);

        ProxyProtocolConfig spelled = read(listener("{\"accept\": true, \"trusted\": [\"127.0.0.0/8\", \"10.0.0.0/8\"]}"))
                .config().listener("api").proxyProtocol();
        assertEquals(new ProxyProtocolConfig(true, List.of("127.0.0.0/8", "10.0.0.0/8")), spelled);

        ListenerConfig off = read(listener("{\"accept\": false}")).config().listener("api");
        assertEquals(new ProxyProtocolConfig(false, List.of()), off.proxyProtocol());
        assertFalse(off.acceptsProxyProtocol(), "accept false reads no header: trusted may be absent");
        ListenerConfig offKeepingRanges = read(listener("{\"accept\": false, \"trusted\": [\"10.0.0.0/8\"]}"))
                .config().listener("api");
        assertFalse(offKeepingRanges.acceptsProxyProtocol());
        assertEquals(List.of("10.0.0.0/8"), offKeepingRanges.proxyProtocol().trusted());
    }

    @Test
    void proxyProtocolIsRefusedByPath() {
        StateFileException bad = refused("""
                {"version": 1,
                 "listeners": [{"name": "a", "listen": "127.0.0.1:1", "pool": "p", "proxy_protocol": {"trusted": "10.0.0.0/8"}},
                               {"name": "b", "listen": "127.0.0.1:2", "pool": "p", "proxy_protocol": {"accept": true}},
                               {"name": "c", "listen": "127.0.0.1:3", "pool": "p", "proxy_protocol": {"trusted": [7, "10.0.0.1/8"]}},
                               {"name": "d", "listen": "127.0.0.1:4", "pool": "p",
                                "proxy_protocol": {"accept": "yes", "trusted": ["10.0.0.0/8"]}},
                               {"name": "e", "listen": "127.0.0.1:5", "pool": "p", "proxy_protocol": {"send": "v2", "accept": false}},
                               {"name": "f", "listen": "127.0.0.1:6", "pool": "p",
                                "proxy_protocol": {"accept": false, "trusted": ["10.0.0.1/8"]}}],
                 "pools": [{"name": "p", "upstreams": ["10.0.0.1:80"]}]}
                """);
        assertEquals(List.of("listeners[0].proxy_protocol.trusted", "listeners[2].proxy_protocol.trusted[0]",
                "listeners[3].proxy_protocol.accept", "listeners[4].proxy_protocol.send",
                "listeners[1].proxy_protocol.trusted", "listeners[2].proxy_protocol.trusted[1]",
                "listeners[5].proxy_protocol.trusted[0]"), paths(bad), bad.getMessage());
        assertTrue(messageAt(bad, "listeners[3].proxy_protocol.accept").contains("must be true or false"),
                bad.getMessage());
        assertTrue(messageAt(bad, "listeners[1].proxy_protocol.trusted").contains("name the proxies"), bad.getMessage());
    }

    @Test
    void proxyProtocolIsWrittenWithAcceptAndReadBackEqual() throws Exception {
        PoolConfig masters = PoolConfig.of("masters", UpstreamConfig.of("10.0.0.1:6443"));
        ListenerConfig api = ListenerConfig.tcp("api", "127.0.0.1:6443", "masters");
        JsonNode node = written(new BalorConfig(List.of(api.withProxyProtocol(
                new ProxyProtocolConfig(List.of("10.0.0.0/8", "fd00::/8")))), List.of(masters)));
        assertEquals(JSON.readTree("{\"accept\": true, \"trusted\": [\"10.0.0.0/8\", \"fd00::/8\"]}"),
                node.get("listeners").get(0).get("proxy_protocol"));

        node = written(new BalorConfig(List.of(api.withProxyProtocol(new ProxyProtocolConfig(false, List.of()))),
                List.of(masters)));
        assertEquals(JSON.readTree("{\"accept\": false}"), node.get("listeners").get(0).get("proxy_protocol"));

        node = written(new BalorConfig(List.of(api), List.of(masters)));
        assertNull(node.get("listeners").get(0).get("proxy_protocol"));
    }

    @Test
    void sendProxyProtocolIsReadAndWrittenBack() throws Exception {
        assertEquals(PoolConfig.ProxyVersion.V1, read(pool(", \"send_proxy_protocol\": \"v1\"")).config().pool("app")
                .sendProxyProtocol());
        assertEquals(PoolConfig.ProxyVersion.V2, read(pool(", \"send_proxy_protocol\": \"v2\"")).config().pool("app")
                .sendProxyProtocol());
        assertNull(read(pool(", \"send_proxy_protocol\": null")).config().pool("app").sendProxyProtocol());
        assertNull(read(pool("")).config().pool("app").sendProxyProtocol());

        PoolConfig base = PoolConfig.of("app", UpstreamConfig.of("10.0.0.4:8080"));
        ListenerConfig web = ListenerConfig.http("web", "127.0.0.1:0", "app");
        for (PoolConfig.ProxyVersion version : PoolConfig.ProxyVersion.values()) {
            JsonNode pool = written(new BalorConfig(List.of(web), List.of(base.withSendProxyProtocol(version))))
                    .get("pools").get(0);
            assertEquals(version.wireName(), pool.get("send_proxy_protocol").textValue());
        }
        JsonNode none = written(new BalorConfig(List.of(web), List.of(base))).get("pools").get(0);
        assertFalse(none.has("send_proxy_protocol"), "a pool that sends none writes nothing: " + none);
    }

    @Test
    void sendProxyProtocolIsRefusedByPath() {
        for (String value : List.of("\"v3\"", "\"V2\"", "\"send-proxy-v2\"", "\"\"", "2", "true", "[\"v1\"]")) {
            StateFileException bad = refused(pool(", \"send_proxy_protocol\": " + value));
            assertEquals(List.of("pools[0].send_proxy_protocol"), paths(bad), value + ": " + bad.getMessage());
        }
        StateFileException bad = refused(pool(", \"send_proxy_protocol\": \"v3\""));
        assertTrue(messageAt(bad, "pools[0].send_proxy_protocol").contains("must be 'v1' or 'v2'"), bad.getMessage());
    }

    @Test
    void theRenderedFileOfTheIssuesExampleReadsBack() throws Exception {
        BalorState state = read("""
                {"version": 1,
                 "listeners": [{"name": "edge", "listen": "127.0.0.1:8443", "protocol": "http", "pool": "app",
                                "proxy_protocol": {"accept": true, "trusted": ["127.0.0.0/8", "10.0.0.0/8"]}}],
                 "pools": [{"name": "app", "upstreams": ["10.0.0.4:8080"], "send_proxy_protocol": "v2"}]}
                """);
        BalorState again = StateFile.parse(file(), StateFile.render(file(), state));
        assertEquals(state.config(), again.config());
        assertTrue(new String(StateFile.render(file(), state), StandardCharsets.UTF_8).contains("\"accept\""));
    }
}
