package io.balor.control;

import io.balor.config.CertificateConfig;
import io.balor.config.ConfigProblem;
import io.balor.config.ListenerConfig;
import io.balor.config.Protocol;
import io.balor.config.RouteConfig;
import io.balor.config.TlsConfig;
import io.balor.config.UpstreamTlsConfig;
import io.balor.tls.CertificateEntry;
import io.balor.tls.CertificateProblem;
import io.balor.tls.CertificateStore;
import io.balor.tls.ServerTls;
import io.balor.tls.SniMatcher;
import io.balor.tls.UpstreamTls;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The TLS part of one apply, on the supervisor thread: loads the certificates a config names
 * (through the {@link CertificateStore}, so unchanged files keep their load) and the pools' CA
 * bundles, and collects what cannot be loaded as problems with field paths. Nothing is
 * published until the apply commits with {@link #commit()}.
 */
final class TlsCompiler {

    private final CertificateStore store;
    private final Map<String, CertificateEntry> pending = CertificateStore.pending();
    private final Map<String, UpstreamTls> clients = new java.util.HashMap<>();
    private final List<ConfigProblem> problems = new ArrayList<>();

    TlsCompiler(CertificateStore store) {
        this.store = store;
    }

    List<ConfigProblem> problems() {
        return problems;
    }

    /** Watches exactly the certificates this apply loaded (call once it is committed). */
    void commit() {
        store.retain(pending);
        store.retainClients(clients);
    }

    /** The certificates of a terminating listener, or null when it does not terminate TLS. */
    ServerTls serverTls(ListenerConfig listener, String path) {
        if (!listener.terminatesTls()) {
            return null;
        }
        List<CertificateEntry> all = new ArrayList<>();
        List<Map.Entry<String, CertificateEntry>> byHost = new ArrayList<>();
        List<RouteConfig> routes = listener.http().routes();
        for (int i = 0; i < routes.size(); i++) {
            CertificateConfig certificate = routes.get(i).tls();
            if (certificate != null) {
                CertificateEntry entry = load(certificate, path + ".host_routes[" + i + "].tls");
                if (entry != null) {
                    all.add(entry);
                    byHost.add(new AbstractMap.SimpleImmutableEntry<>(routes.get(i).host(), entry));
                }
            }
        }
        TlsConfig tls = listener.tls() == null ? new TlsConfig(TlsConfig.Mode.TERMINATE, null, null) : listener.tls();
        CertificateEntry own = tls.certificate() == null ? null : load(tls.certificate(), path + ".tls");
        if (own != null) {
            all.add(own);
        }
        return new ServerTls(SniMatcher.of(byHost, own), all, tls.handshakeTimeout().toNanos(),
                listener.protocol() == Protocol.HTTP, listener.protocol() == Protocol.HTTP && listener.http().http2On(true));
    }

    /** How a TCP listener with TLS picks its pool by server name, or null when it does not. */
    static TunnelRouting tunnelRouting(ListenerConfig listener, Map<String, io.balor.upstream.Balancer> balancers) {
        if (listener.protocol() != Protocol.TCP || listener.tls() == null && !listener.terminatesTls()) {
            return null;
        }
        List<Map.Entry<String, io.balor.upstream.Balancer>> byHost = new ArrayList<>();
        for (RouteConfig route : listener.http().routes()) {
            byHost.add(new AbstractMap.SimpleImmutableEntry<>(route.host(), balancers.get(route.pool())));
        }
        TlsConfig tls = listener.tls();
        long helloTimeout = (tls == null ? TlsConfig.DEFAULT_HANDSHAKE_TIMEOUT : tls.handshakeTimeout()).toNanos();
        return new TunnelRouting(SniMatcher.of(byHost, SnapshotCompiler.balancer(balancers, listener.poolName())),
                listener.passesTlsThrough(), helloTimeout);
    }

    /** A pool's client TLS, or null (with a problem) when its CA bundle cannot be read. */
    UpstreamTls upstreamTls(UpstreamTlsConfig config, String path) {
        try {
            return store.client(config, clients);
        } catch (CertificateProblem e) {
            problems.add(new ConfigProblem(path + ".ca_file", e.getMessage()));
            return null;
        }
    }

    private CertificateEntry load(CertificateConfig certificate, String path) {
        try {
            return store.entry(certificate, pending);
        } catch (CertificateProblem | RuntimeException e) {
            problems.add(new ConfigProblem(path + ".cert_file", e.getMessage()));
            return null;
        }
    }

}
