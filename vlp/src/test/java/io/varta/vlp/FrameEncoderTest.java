package io.varta.vlp;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link FrameEncoder} writes every round-trip vector byte for byte at any offset, and only its 32 bytes. */
class FrameEncoderTest
{
    @Test
    void everyRoundTripVectorAtAnOffset()
    {
        final FrameEncoder encoder = new FrameEncoder();
        int checked = 0;
        for (final JsonNode v : Vectors.root().get("frame_vectors"))
        {
            if (!v.get("expected_decode_error").isNull())
            {
                continue;
            }
            final JsonNode in = v.get("inputs");
            final byte[] out = new byte[40];
            Arrays.fill(out, (byte)0x5a);
            encoder.encode(out, 5, Status.valueOf(in.get("status").asText().toUpperCase(Locale.ROOT)),
                in.get("pid").asLong(), in.get("timestamp").bigIntegerValue().longValue(),
                in.get("nonce").bigIntegerValue().longValue(), in.get("payload").asLong());
            assertEquals(v.get("expected_wire_hex").asText(), HexFormat.of().formatHex(out, 5, 37), v.get("id").asText());
            assertEquals("5a5a5a5a5a", HexFormat.of().formatHex(out, 0, 5));
            assertEquals("5a5a5a", HexFormat.of().formatHex(out, 37, 40));
            checked++;
        }
        assertEquals(6, checked);
    }
}
