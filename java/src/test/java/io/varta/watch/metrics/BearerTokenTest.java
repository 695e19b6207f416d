package io.varta.watch.metrics;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BearerTokenTest
{
    private static final String HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private final BearerToken token = BearerToken.parseFile("t", (" \n" + HEX.toUpperCase() + "\n\n").getBytes(StandardCharsets.US_ASCII));

    @Test
    void tokenFileContentIsTrimmedAndCaseInsensitive()
    {
        assertTrue(token.matchesHeader("Bearer " + HEX));
    }

    @Test
    void schemeAndHexAreCaseInsensitive()
    {
        assertTrue(token.matchesHeader("bearer " + HEX.toUpperCase()));
        assertTrue(token.matchesHeader("BEARER " + HEX));
        assertTrue(token.matchesHeader("Bearer   " + HEX), "several spaces before the token");
    }

    @Test
    void anythingAfterTheTokenIsRefused()
    {
        assertFalse(token.matchesHeader("Bearer " + HEX + " "));
        assertFalse(token.matchesHeader("Bearer " + HEX + "x"));
        assertFalse(token.matchesHeader("Bearer " + HEX + "00"));
    }

    @Test
    void missingWrongOrMalformedHeadersAreRefused()
    {
        assertFalse(token.matchesHeader(null));
        assertFalse(token.matchesHeader(""));
        assertFalse(token.matchesHeader("Bearer"));
        assertFalse(token.matchesHeader("Basic " + HEX));
        assertFalse(token.matchesHeader("Bearer" + HEX));
        assertFalse(token.matchesHeader("Bearer " + HEX.substring(2)));
        assertFalse(token.matchesHeader("Bearer " + "f" + HEX.substring(1)));
        assertFalse(token.matchesHeader("Bearer " + HEX.substring(0, 63) + "g"));
        assertFalse(token.matchesHeader("Bearer " + HEX.substring(0, 63) + "\uff10"), "fullwidth digit is not hex");
    }

    @Test
    void tokenFilesWithWrongLengthOrNonHexAreRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> BearerToken.parseFile("t", "abc".getBytes()));
        assertThrows(IllegalArgumentException.class, () -> BearerToken.parseFile("t", (HEX + "0").getBytes()));
        assertThrows(IllegalArgumentException.class,
            () -> BearerToken.parseFile("t", ("z" + HEX.substring(1)).getBytes()));
        assertThrows(IllegalArgumentException.class,
            () -> BearerToken.parseFile("t", (HEX.substring(0, 32) + " " + HEX.substring(33)).getBytes()));
    }
}
