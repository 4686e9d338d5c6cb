package io.balor.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TLS settings are checked with the rest of the config, each problem with its field path. */
class TlsConfigTest {

    private static final PoolConfig APP = PoolConfig.of("app", UpstreamConfig.of("127.0.0.1:8080"));

    private static List<String> problems(Runnable construct) {
        InvalidConfigException refused = assertThrows(InvalidConfigException.class, construct::run);
        List<String> lines = new ArrayList<>();
        for (ConfigProblem problem : refused.problems()) {
            lines.add(problem.toString());
        }
        return lines;
    }

    private static HttpSettings routes(RouteConfig... routes) {
        return HttpSettings.DEFAULT.withRoutes(List.of(routes));
    }

    @Test
    void terminationPassthroughAndUpstreamTlsAreAccepted() {
        CertificateConfig a = new CertificateConfig("a.pem", "a.key");
        BalorConfig config = new BalorConfig(List.of(
                ListenerConfig.http("web", "127.0.0.1:0", "app").withTls(TlsConfig.terminate("l.pem", null)),
                ListenerConfig.http("hosts", "127.0.0.1:0", null)
                        .withHttp(routes(RouteConfig.of("a.example", "app").withTls(a),
                                new RouteConfig("a.example", "/api", "app", a))),
                ListenerConfig.tcp("sni", "127.0.0.1:0", null).withTls(TlsConfig.passthrough())
                        .withHttp(routes(RouteConfig.of("*.b.example", "app"))),
                ListenerConfig.tcp("offload", "127.0.0.1:0", "app").withTls(TlsConfig.terminate("o.pem", "o.key"))),
                List.of(APP.withTls(UpstreamTlsConfig.trusting("ca.pem").withServerName("api.internal"))));
        assertTrue(config.listener("web").terminatesTls());
        assertTrue(config.listener("hosts").terminatesTls(), "route certificates turn TLS on");
        assertFalse(config.listener("sni").terminatesTls());
        assertTrue(config.listener("sni").passesTlsThrough());
        assertTrue(config.listener("offload").terminatesTls());
        assertEquals("l.pem", config.listener("web").tls().certificate().keyFile(), "the key may share the cert's file");
        assertEquals(Duration.ofSeconds(10), config.listener("web").tls().handshakeTimeout());
        assertTrue(config.pool("app").tls().verify());
        assertEquals(UpstreamTlsConfig.DEFAULT, APP.tls(), "verification is on unless turned off");
    }

    @Test
    void aTerminatingListenerMayWaitForItsRoutesAcmeButAPassthroughOneCannotAskForIt() {
        AcmeConfig acme = AcmeConfig.http01("ops@b.example");
        BalorConfig config = new BalorConfig(List.of(ListenerConfig.http("acme", "127.0.0.1:0", null)
                .withTls(new TlsConfig(TlsConfig.Mode.TERMINATE, null, null))
                .withHttp(routes(RouteConfig.of("b.example", "app").withAcme(acme)))), List.of(APP));
        assertTrue(config.listener("acme").terminatesTls(), "no certificate until ACME brings one");
        List<String> problems = problems(() -> new BalorConfig(List.of(ListenerConfig.tcp("sni", "127.0.0.1:0", null)
                .withTls(TlsConfig.passthrough()).withHttp(routes(RouteConfig.of("b.example", "app").withAcme(acme)))),
                List.of(APP)));
        assertEquals(List.of("listeners[0].host_routes[0].acme: a passthrough listener does not terminate TLS: it"
                + " could never serve the certificate (ask for it on the TLS listener that does, or standalone)"),
                problems);
    }

    @Test
    void everyTlsProblemIsReportedWithItsPath() {
        List<String> problems = problems(() -> new BalorConfig(List.of(
                ListenerConfig.http("a", "127.0.0.1:0", "app").withTls(TlsConfig.passthrough()),
                ListenerConfig.http("b", "127.0.0.1:0", "app")
                        .withTls(new TlsConfig(TlsConfig.Mode.TERMINATE, null, Duration.ZERO)),
                ListenerConfig.tcp("c", "127.0.0.1:0", "app").withTls(TlsConfig.passthrough())
                        .withHttp(routes(new RouteConfig("x.example", "/p", "app", new CertificateConfig("x.pem", null)))),
                ListenerConfig.tcp("d", "127.0.0.1:0", "app").withHttp(routes(RouteConfig.of("x.example", "app"))),
                ListenerConfig.http("e", "127.0.0.1:0", "app").withHttp(routes(
                        RouteConfig.of("x.example", "app").withTls(new CertificateConfig("1.pem", null)),
                        new RouteConfig("X.example", "/p", "app", new CertificateConfig("2.pem", null)),
                        RouteConfig.of("y.example", "app").withTls(new CertificateConfig(" ", null)))),
                ListenerConfig.http("f", "127.0.0.1:0", "app")
                        .withTls(new TlsConfig(TlsConfig.Mode.PASSTHROUGH, new CertificateConfig("f.pem", null), null))),
                List.of(APP.withTls(new UpstreamTlsConfig(false, "ca.pem", "*.wild")))));
        assertEquals(List.of(
                "pools[0].tls.ca_file: has no use when verify is false",
                "pools[0].tls.sni: must be a host name, not a pattern",
                "listeners[0].tls.mode: passthrough is for TCP listeners; an HTTP listener terminates TLS",
                "listeners[1].tls.handshake_timeout: must be positive",
                "listeners[1].tls.cert_file: a TLS listener needs a certificate of its own, on a host route,"
                + " or a host route with acme to get one",
                "listeners[2].host_routes[0].path_prefix: a TCP route matches the TLS server name only",
                "listeners[2].host_routes[0].tls: a passthrough listener does not terminate TLS",
                "listeners[3].host_routes: a TCP listener routes by TLS server name: it needs tls (passthrough,"
                        + " or a certificate to terminate)",
                "listeners[4].host_routes[1].tls: another route for this host has a different certificate",
                "listeners[4].host_routes[2].tls.cert_file: is required",
                "listeners[5].tls.mode: passthrough is for TCP listeners; an HTTP listener terminates TLS",
                "listeners[5].tls.cert_file: a passthrough listener does not terminate TLS: no certificate"),
                problems);
    }
}
