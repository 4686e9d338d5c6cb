package io.balor.admin.acme.dns;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link SigV4} against AWS's published Signature Version 4 test suite (aws-sig-v4-test-suite,
 * 2015-08-30): credentials AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, region
 * us-east-1, service {@code service}, date 20150830T123600Z. Each case checks the canonical
 * request, the string to sign and the Authorization header the suite gives.
 */
class SigV4Test {

    private static final SigV4 SUITE = new SigV4("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "us-east-1", "service");
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final String CREDENTIAL = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ";
    private static final String SCOPE = "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n";

    private static Map<String, String> headers(String... more) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < more.length; i += 2) {
            headers.put(more[i], more[i + 1]);
        }
        headers.put("Host", "example.amazonaws.com");
        headers.put("X-Amz-Date", "20150830T123600Z");
        return headers;
    }

    @Test
    void getVanilla() {
        SigV4.Signature signature = SUITE.sign("GET", URI.create("https://example.amazonaws.com/"), headers(), new byte[0]);
        assertEquals("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
                + EMPTY_SHA256, signature.canonicalRequest());
        assertEquals(SCOPE + "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63", signature.stringToSign());
        assertEquals(CREDENTIAL + "SignedHeaders=host;x-amz-date, "
                + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", signature.authorization());
    }

    @Test
    void getVanillaQueryOrderKeyCase() {
        SigV4.Signature signature = SUITE.sign("GET",
                URI.create("https://example.amazonaws.com/?Param2=value2&Param1=value1"), headers(), new byte[0]);
        assertEquals("GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
                + "host;x-amz-date\n" + EMPTY_SHA256, signature.canonicalRequest());
        assertEquals(SCOPE + "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0", signature.stringToSign());
        assertEquals(CREDENTIAL + "SignedHeaders=host;x-amz-date, "
                + "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500", signature.authorization());
    }

    @Test
    void postVanilla() {
        SigV4.Signature signature = SUITE.sign("POST", URI.create("https://example.amazonaws.com/"), headers(), new byte[0]);
        assertEquals("POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
                + EMPTY_SHA256, signature.canonicalRequest());
        assertEquals(SCOPE + "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87", signature.stringToSign());
        assertEquals(CREDENTIAL + "SignedHeaders=host;x-amz-date, "
                + "Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b", signature.authorization());
    }

    /**
     * The suite's {@code .creq} for this case lists content-length among the signed headers, but
     * its {@code .sts} and {@code .authz} were computed without it; those two are what AWS checks,
     * so the request here signs Content-Type, Host and X-Amz-Date, as the {@code .authz} says.
     */
    @Test
    void postXWwwFormUrlencoded() {
        SigV4.Signature signature = SUITE.sign("POST", URI.create("https://example.amazonaws.com/"),
                headers("Content-Type", "application/x-www-form-urlencoded"),
                "Param1=value1".getBytes(StandardCharsets.UTF_8));
        assertEquals("POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\n"
                + "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
                + "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e", signature.canonicalRequest());
        assertEquals(SCOPE + "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281", signature.stringToSign());
        assertEquals(CREDENTIAL + "SignedHeaders=content-type;host;x-amz-date, "
                + "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a", signature.authorization());
    }

    @Test
    void encodesPathSegmentsAndQueryValuesStrictly() {
        SigV4.Signature signature = SUITE.sign("GET",
                URI.create("https://example.amazonaws.com/2013-04-01/hostedzone/Z1/rrset?type=TXT&name=_acme-challenge.x.test."
                        + "&b=a%2Fb%20c"), headers(), new byte[0]);
        String query = signature.canonicalRequest().split("\n")[2];
        assertEquals("b=a%2Fb%20c&name=_acme-challenge.x.test.&type=TXT", query);
        assertEquals("/2013-04-01/hostedzone/Z1", signature.canonicalRequest().split("\n")[1].replace("/rrset", ""));
    }
}
