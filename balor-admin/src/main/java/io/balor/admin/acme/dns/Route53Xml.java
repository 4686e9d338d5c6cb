package io.balor.admin.acme.dns;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The XML Route53's API (version 2013-04-01) speaks, both ways: the {@code ChangeBatch} sent to
 * {@code ChangeResourceRecordSets}, and the answers read back (hosted zones, record sets, errors).
 * Parsing uses the JDK's DOM parser with DTDs and external entities off (an answer cannot make
 * it read a file or the network). Stateless; any thread.
 */
final class Route53Xml {

    static final String NAMESPACE = "https://route53.amazonaws.com/doc/2013-04-01/";

    /** A TXT record set: its TTL and values, each as Route53 writes it (in double quotes). */
    record TxtSet(long ttl, List<String> values) {
    }

    /** An {@code ErrorResponse}: its codes and messages. */
    record Error(List<String> codes, String message) {
    }

    private Route53Xml() {
    }

    /**
     * {@code ChangeResourceRecordSetsRequest} with one change: {@code action} ({@code UPSERT} or
     * {@code DELETE}) of TXT set {@code name} holding {@code values} (already quoted).
     */
    static String changeBatch(String action, String name, long ttl, List<String> values, String comment) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<ChangeResourceRecordSetsRequest xmlns=\"").append(NAMESPACE).append("\">")
                .append("<ChangeBatch><Comment>").append(escape(comment)).append("</Comment><Changes><Change>")
                .append("<Action>").append(action).append("</Action><ResourceRecordSet>")
                .append("<Name>").append(escape(name)).append("</Name><Type>TXT</Type>")
                .append("<TTL>").append(ttl).append("</TTL><ResourceRecords>");
        for (String value : values) {
            xml.append("<ResourceRecord><Value>").append(escape(value)).append("</Value></ResourceRecord>");
        }
        return xml.append("</ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch>")
                .append("</ChangeResourceRecordSetsRequest>").toString();
    }

    /** A TXT value as Route53 wants it: in double quotes, {@code "} and {@code \} escaped. */
    static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** The id ({@code Z...}, without {@code /hostedzone/}) of the first hosted zone named {@code name}, or null. */
    static String hostedZoneId(Document answer, String name) {
        for (Element zone : elements(answer.getDocumentElement(), "HostedZone")) {
            if (sameName(text(zone, "Name"), name)) {
                String id = text(zone, "Id");
                return id == null ? null : id.substring(id.lastIndexOf('/') + 1);
            }
        }
        return null;
    }

    /** The TXT set {@code name} in a {@code ListResourceRecordSetsResponse}, or null when it has none. */
    static TxtSet txtSet(Document answer, String name) {
        for (Element set : elements(answer.getDocumentElement(), "ResourceRecordSet")) {
            if (sameName(text(set, "Name"), name) && "TXT".equals(text(set, "Type"))) {
                List<String> values = new ArrayList<>();
                for (Element record : elements(set, "ResourceRecord")) {
                    values.add(text(record, "Value"));
                }
                return new TxtSet(ttl(text(set, "TTL")), values);
            }
        }
        return null;
    }

    /** A TTL as Route53 writes it; 300 (its console's default) when absent or unreadable. */
    private static long ttl(String text) {
        try {
            return text == null ? 300 : Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return 300;
        }
    }

    /** The codes and messages of an error answer ({@code ErrorResponse}, or {@code InvalidChangeBatch}). */
    static Error error(Document answer) {
        List<String> codes = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        Element root = answer.getDocumentElement();
        if ("InvalidChangeBatch".equals(root.getLocalName())) {
            codes.add("InvalidChangeBatch");
        }
        for (Element error : elements(root, "Error")) {
            codes.add(String.valueOf(text(error, "Code")));
            messages.add(String.valueOf(text(error, "Message")));
        }
        if (codes.size() <= 1) {
            for (Element message : elements(root, "Message")) {
                if (!messages.contains(message.getTextContent())) {
                    messages.add(message.getTextContent());
                }
            }
        }
        return new Error(codes, String.join("; ", messages));
    }

    /** {@code body} parsed, or null when it is not well-formed XML. */
    static Document parse(byte[] body) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new DefaultHandler());   // no "[Fatal Error]" on stderr
            return builder.parse(new InputSource(new ByteArrayInputStream(body)));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            return null;
        }
    }

    private static boolean sameName(String a, String b) {
        return a != null && strip(a).equalsIgnoreCase(strip(b));
    }

    private static String strip(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static List<Element> elements(Element parent, String localName) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getElementsByTagNameNS("*", localName);
        for (int i = 0; i < nodes.getLength(); i++) {
            found.add((Element) nodes.item(i));
        }
        return found;
    }

    /** The text of {@code parent}'s first child element named {@code localName}, or null. */
    private static String text(Element parent, String localName) {
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && localName.equals(element.getLocalName())) {
                return element.getTextContent();
            }
        }
        return null;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
