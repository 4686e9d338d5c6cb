/**
 * Balor's embeddable core. Only the API packages are exported; everything else (loops,
 * sessions, balancers, the supervisor) is internal and may change.
 */
module io.balor.core {
    // io.balor.tls reads PEM certificates and keys: PEMParser and JcaPEMKeyConverter (pkix) and
    // the ASN.1 types they return (provider). BouncyCastle is never registered as a JCA provider.
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;

    exports io.balor;
    exports io.balor.config;
    exports io.balor.time;
}
