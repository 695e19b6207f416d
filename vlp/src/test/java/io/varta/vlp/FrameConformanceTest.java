package io.varta.vlp;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Every CRC and frame vector of the shared conformance file, through the Java codec. */
class FrameConformanceTest
{
    @TestFactory
    List<DynamicTest> crcVectorsMatch()
    {
        final List<DynamicTest> tests = new ArrayList<>();
        for (final JsonNode v : Vectors.root().get("crc32c_vectors"))
        {
            tests.add(DynamicTest.dynamicTest(v.get("id").asText(), () ->
            {
                final byte[] input = Vectors.hex(v.get("input_hex").asText());
                final int crc = Frame.crc32c(ByteBuffer.wrap(input), 0, input.length);
                assertEquals(v.get("expected_crc_hex").asText(), String.format("%08x", crc));
            }));
        }
        assertEquals(5, tests.size());
        return tests;
    }

    @TestFactory
    List<DynamicTest> frameVectorsDecodeAndEncodeExactly()
    {
        final List<DynamicTest> tests = new ArrayList<>();
        for (final JsonNode v : Vectors.root().get("frame_vectors"))
        {
            tests.add(DynamicTest.dynamicTest(v.get("id").asText(), () ->
            {
                final Frame frame = new Frame();
                if (v.get("expected_decode_error").isNull())
                {
                    final byte[] wire = Vectors.hex(v.get("expected_wire_hex").asText());
                    assertNull(Frame.decode(wire, frame));
                    final JsonNode in = v.get("inputs");
                    final Status status = Status.valueOf(in.get("status").asText().toUpperCase(Locale.ROOT));
                    assertEquals(status.code(), frame.statusCode());
                    assertEquals(in.get("pid").asLong(), frame.pid());
                    assertEquals(in.get("timestamp").bigIntegerValue().longValue(), frame.timestamp());
                    assertEquals(in.get("nonce").bigIntegerValue().longValue(), frame.nonce());
                    assertEquals(in.get("payload").asLong(), frame.payload());
                    final byte[] encoded = Frame.encode(status, in.get("pid").asLong(),
                        in.get("timestamp").bigIntegerValue().longValue(), in.get("nonce").bigIntegerValue().longValue(),
                        in.get("payload").asLong());
                    assertArrayEquals(wire, encoded, () -> HexFormat.of().formatHex(encoded));
                }
                else
                {
                    final byte[] wire = Vectors.hex(v.get("wire_hex").asText());
                    final DecodeError error = Frame.decode(wire, frame);
                    assertEquals(v.get("expected_decode_error").asText(), null == error ? "none" : error.wireName());
                }
            }));
        }
        assertEquals(15, tests.size());
        return tests;
    }

    @Test
    void decodeFromDirectBufferAtOffset()
    {
        final byte[] wire = Frame.encode(Status.DEGRADED, 4242, 7, 9, 11);
        final ByteBuffer direct = ByteBuffer.allocateDirect(64);
        direct.put(16, wire);
        final Frame frame = new Frame();
        assertNull(Frame.decode(direct, 16, frame));
        assertEquals(4242, frame.pid());
        assertEquals(9, frame.nonce());
    }

    @Test
    void stallStatusWithReservedPidIsStallOnWire()
    {
        assertEquals(DecodeError.STALL_ON_WIRE, Frame.decode(Frame.encode(3, 1, 0, 1, 0), new Frame()));
    }
}
