package io.balor.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * A certificate chain and the private key of its leaf, as {@link PemFiles#load} read them: what a
 * TLS-terminating listener serves. The key has been checked to match the leaf; the validity
 * period has not (see {@link #expired}).
 *
 * <p>Immutable and safe to share between threads: {@link #chain()} returns a copy, and everything
 * else is computed once, when the pair is loaded.
 */
public final class LoadedCertificate {

    private static final int SAN_DNS_NAME = 2; // GeneralName dNSName, RFC 5280 §4.2.1.6

    private final X509Certificate[] chain;
    private final PrivateKey key;
    private final String subject;
    private final String issuer;
    private final List<String> dnsNames;
    private final List<String> ipAddresses;
    private final String fingerprint;

    /** {@code chain}: leaf first; already checked to match {@code key}. */
    LoadedCertificate(List<X509Certificate> chain, PrivateKey key) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty chain");
        }
        this.chain = chain.toArray(new X509Certificate[0]);
        this.key = key;
        X509Certificate leaf = this.chain[0];
        this.subject = leaf.getSubjectX500Principal().getName(X500Principal.RFC2253);
        this.issuer = leaf.getIssuerX500Principal().getName(X500Principal.RFC2253);
        this.dnsNames = dnsNames(leaf);
        this.ipAddresses = ipAddresses(leaf);
        this.fingerprint = sha256Hex(leaf);
    }

    /** The leaf first, then the intermediates, as in the file. A copy: the caller may keep it. */
    public X509Certificate[] chain() {
        return chain.clone();
    }

    /** The leaf certificate, {@code chain()[0]}. */
    public X509Certificate leaf() {
        return chain[0];
    }

    public PrivateKey key() {
        return key;
    }

    /** "RSA" or "EC". */
    public String keyAlgorithm() {
        return key.getAlgorithm();
    }

    /** The leaf's subject in RFC 2253 form, e.g. {@code CN=www.example.com,O=Example}. */
    public String subject() {
        return subject;
    }

    /** The leaf's issuer in RFC 2253 form. */
    public String issuer() {
        return issuer;
    }

    /**
     * The names the leaf serves, lower case: its subjectAltName DNS entries (wildcards such as
     * {@code *.example.com} as written), or, when it has none, its subject common name (the most
     * specific one). Empty when it has neither. IP address entries are not included: these are
     * the names SNI selects a certificate by, and an IP address is not a server name (RFC 6066 §3).
     */
    public List<String> dnsNames() {
        return dnsNames;
    }

    /**
     * The leaf's subjectAltName IP address entries (RFC 5280 §4.2.1.6), in certificate order, as
     * text: IPv4 dotted, IPv6 in its canonical form (RFC 5952: lower case, zeros compressed).
     * For showing what the certificate covers; certificate selection does not use them.
     */
    public List<String> ipAddresses() {
        return ipAddresses;
    }

    public Instant notBefore() {
        return chain[0].getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return chain[0].getNotAfter().toInstant();
    }

    /** Whether the leaf is outside its validity period at {@code now}: after notAfter or before notBefore. */
    public boolean expired(Instant now) {
        return now.isAfter(notAfter()) || now.isBefore(notBefore());
    }

    /** SHA-256 of the leaf's DER encoding, 64 lower-case hex digits. */
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public String toString() {
        return "LoadedCertificate[" + subject + ", " + keyAlgorithm() + ", sha256=" + fingerprint + "]";
    }

    private static List<String> dnsNames(X509Certificate leaf) {
        List<String> names = new ArrayList<>();
        Collection<List<?>> entries;
        try {
            entries = leaf.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            entries = null; // unreadable extension: fall back to the common name, as if absent
        }
        if (entries != null) {
            for (List<?> entry : entries) {
                if (entry.size() >= 2 && Integer.valueOf(SAN_DNS_NAME).equals(entry.get(0))
                        && entry.get(1) instanceof String name) {
                    names.add(name.toLowerCase(Locale.ROOT));
                }
            }
        }
        if (names.isEmpty()) {
            String cn = commonName(leaf.getSubjectX500Principal());
            if (cn != null) {
                names.add(cn.toLowerCase(Locale.ROOT));
            }
        }
        return List.copyOf(names);
    }

    /** The SAN iPAddress entries as text; entries of another length than 4 or 16 bytes are left out. */
    private static List<String> ipAddresses(X509Certificate leaf) {
        byte[] extension = leaf.getExtensionValue(Extension.subjectAlternativeName.getId());
        if (extension == null) {
            return List.of();
        }
        List<String> addresses = new ArrayList<>();
        try {
            GeneralNames names = GeneralNames.getInstance(ASN1OctetString.getInstance(extension).getOctets());
            for (GeneralName name : names.getNames()) {
                if (name.getTagNo() == GeneralName.iPAddress) {
                    String text = IpAddressText.of(ASN1OctetString.getInstance(name.getName()).getOctets());
                    if (text != null) {
                        addresses.add(text);
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            return List.of();   // unreadable extension: as dnsNames, treated as absent
        }
        return List.copyOf(addresses);
    }

    /** The last CN in encoding order (the most specific), or null. */
    private static String commonName(X500Principal subject) {
        RDN[] rdns = X500Name.getInstance(subject.getEncoded()).getRDNs(BCStyle.CN);
        if (rdns.length == 0) {
            return null;
        }
        ASN1Encodable value = rdns[rdns.length - 1].getFirst().getValue();
        String cn = value instanceof ASN1String text ? text.getString() : IETFUtils.valueToString(value);
        return cn.isEmpty() ? null : cn;
    }

    private static String sha256Hex(X509Certificate leaf) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint a certificate the JDK just parsed", e);
        }
    }
}
