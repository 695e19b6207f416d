package io.varta.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.varta.vlp.DecodeError;
import io.varta.vlp.Frame;
import io.varta.vlp.Hkdf;
import io.varta.vlp.SecureFrame;
import io.varta.vlp.Status;
import io.varta.vlp.Vectors;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HexFormat;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the client puts on the wire, read back from a real UDP socket: every round-trip vector through the plaintext
 * transport; the two secure vectors byte for byte through the secure transport with the vectors' IV prefix and counter
 * fixed; the session rules (prefix = HKDF(salt, index), counters from 0, the next prefix before 2^32 - 1); and a beat's
 * own frame (this pid, the nonce, status and payload).
 */
class ClientFramesTest
{
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void everyRoundTripVectorGoesOutByteForByte() throws IOException
    {
        try (UdpReceiver receiver = new UdpReceiver(); UdpTransport udp = UdpTransport.connect(receiver.address()))
        {
            int checked = 0;
            for (final JsonNode v : Vectors.root().get("frame_vectors"))
            {
                if (v.get("expected_decode_error").isNull())
                {
                    final JsonNode in = v.get("inputs");
                    final byte[] frame = new byte[Frame.BYTES];
                    new io.varta.vlp.FrameEncoder().encode(frame, 0,
                        Status.valueOf(in.get("status").asText().toUpperCase(Locale.ROOT)), in.get("pid").asLong(),
                        in.get("timestamp").bigIntegerValue().longValue(), in.get("nonce").bigIntegerValue().longValue(),
                        in.get("payload").asLong());
                    assertSame(BeatOutcome.SENT, udp.send(frame));
                    assertEquals(v.get("expected_wire_hex").asText(), HEX.formatHex(receiver.receive()),
                        v.get("id").asText());
                    checked++;
                }
            }
            assertEquals(6, checked);
        }
    }

    @Test
    void sharedKeyVectorThroughTheSecureTransport() throws IOException
    {
        final JsonNode v = Vectors.secure("secure-shared-key-seal");
        try (UdpReceiver receiver = new UdpReceiver())
        {
            final SecureUdpTransport secure = SecureUdpTransport.connect(receiver.address(),
                SecureUdpTransport.Keying.SHARED, Vectors.hex(v, "key_hex"), 4242);
            secure.fixPrefix(Vectors.hex(v, "iv_random_hex"), v.get("iv_counter").asLong());
            assertSame(BeatOutcome.SENT, secure.send(Vectors.hex(v, "plaintext_hex")));
            assertEquals(v.get("expected_wire_hex").asText(), HEX.formatHex(receiver.receive()));
            assertEquals(1, secure.counter());
            secure.close();
        }
    }

    @Test
    void masterKeyVectorThroughTheSecureTransport() throws IOException
    {
        final JsonNode v = Vectors.secure("secure-master-key-seal");
        try (UdpReceiver receiver = new UdpReceiver())
        {
            final SecureUdpTransport secure = SecureUdpTransport.connect(receiver.address(),
                SecureUdpTransport.Keying.MASTER, Vectors.hex(v, "master_key_hex"), v.get("agent_pid").asLong());
            secure.fixPrefix(Vectors.hex(v, "iv_random_hex"), v.get("iv_counter").asLong());
            assertSame(BeatOutcome.SENT, secure.send(Vectors.hex(v, "plaintext_hex")));
            assertEquals(v.get("expected_wire_hex").asText(), HEX.formatHex(receiver.receive()));
            secure.close();
        }
    }

    @Test
    void aSessionDerivesItsPrefixesAndCountsFromZero() throws IOException
    {
        final JsonNode v = Vectors.secure("kdf-iv-prefix");
        final byte[] salt = Vectors.hex(v, "session_salt_hex");
        final byte[] key = new byte[SecureFrame.KEY_BYTES];
        try (UdpReceiver receiver = new UdpReceiver())
        {
            final SecureUdpTransport secure = SecureUdpTransport.connect(receiver.address(),
                SecureUdpTransport.Keying.SHARED, key.clone(), 4242);
            secure.fixSession(salt, v.get("prefix_index").asLong(), 0);
            assertEquals(v.get("expected_iv_prefix_hex").asText(), HEX.formatHex(secure.prefix()));

            final byte[] frame = Frame.encode(Status.OK, 4242, 1, 1, 0);
            secure.send(frame);
            secure.send(frame);
            assertEquals(v.get("expected_iv_prefix_hex").asText() + "00000000", HEX.formatHex(receiver.receive(), 0, 12));
            assertEquals(v.get("expected_iv_prefix_hex").asText() + "01000000", HEX.formatHex(receiver.receive(), 0, 12));

            // the last counter of prefix 7 is 2^32 - 2; the datagram after it is prefix 8, counter 0
            secure.fixSession(salt, 7, SecureFrame.COUNTER_LIMIT - 1);
            secure.send(frame);
            assertEquals(8, secure.prefixIndex());
            assertEquals(0, secure.counter());
            secure.send(frame);
            final byte[] last = receiver.receive();
            final byte[] next = receiver.receive();
            assertEquals(v.get("expected_iv_prefix_hex").asText() + "feffffff", HEX.formatHex(last, 0, 12));
            assertEquals(HEX.formatHex(Hkdf.ivPrefix(salt, 8)) + "00000000", HEX.formatHex(next, 0, 12));
            for (final byte[] wire : new byte[][] {last, next})
            {
                final byte[] opened = new byte[Frame.BYTES];
                assertTrue(new SecureFrame().openShared(SecureFrame.key(key), wire, 0, opened, 0));
                assertArrayEquals(frame, opened);
            }
            secure.close();
        }
    }

    @Test
    void freshSessionsDrawFreshSalts() throws IOException
    {
        try (UdpReceiver receiver = new UdpReceiver())
        {
            final byte[] key = new byte[SecureFrame.KEY_BYTES];
            final SecureUdpTransport a = SecureUdpTransport.connect(receiver.address(),
                SecureUdpTransport.Keying.SHARED, key.clone(), 4242);
            final SecureUdpTransport b = SecureUdpTransport.connect(receiver.address(),
                SecureUdpTransport.Keying.SHARED, key.clone(), 4242);
            assertEquals(0, a.counter());
            assertEquals(0, a.prefixIndex());
            assertNotEquals(HEX.formatHex(a.prefix()), HEX.formatHex(b.prefix()));
            a.close();
            b.close();
        }
    }

    @Test
    void aBeatCarriesThisPidTheNextNonceAndItsPayload() throws IOException
    {
        try (UdpReceiver receiver = new UdpReceiver();
            VartaClient client = VartaClient.connectUdp(receiver.address()))
        {
            assertSame(BeatOutcome.SENT, client.beat(Status.DEGRADED, 0xDEADBEEF));
            assertSame(BeatOutcome.SENT, client.beat(Status.OK));
            final Frame first = new Frame();
            final Frame second = new Frame();
            assertNull(Frame.decode(receiver.receive(), first));
            assertNull(Frame.decode(receiver.receive(), second));
            assertEquals(ProcessHandle.current().pid(), first.pid());
            assertEquals(Status.DEGRADED.code(), first.statusCode());
            assertEquals(0xDEADBEEFL, first.payload());
            assertTrue(Long.compareUnsigned(second.nonce(), first.nonce()) > 0);

            assertSame(BeatOutcome.SENT, client.beatTerminal(7));
            final Frame terminal = new Frame();
            final DecodeError error = Frame.decode(receiver.receive(), terminal);
            assertNull(error);
            assertEquals(Frame.NONCE_TERMINAL, terminal.nonce());
            assertEquals(Status.CRITICAL.code(), terminal.statusCode());
            assertEquals(7, terminal.payload());
        }
    }

    @Test
    void aSecureBeatOpensWithTheKeyAndAMasterKeyBeatWithThisPidsAgentKey() throws IOException
    {
        final byte[] key = new byte[SecureFrame.KEY_BYTES];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)(i * 3 + 1);
        }
        final java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("varta-client-keys");
        final java.nio.file.Path file = KeyFileTest.privateFile(dir.resolve("key"), HEX.formatHex(key) + "\n");
        try (UdpReceiver receiver = new UdpReceiver();
            VartaClient shared = VartaClient.connectSecureUdp(receiver.address(), file);
            VartaClient master = VartaClient.connectSecureUdpWithMaster(receiver.address(), file))
        {
            shared.beat(Status.OK, 11);
            final byte[] sharedWire = receiver.receive();
            assertEquals(SecureFrame.SHARED_BYTES, sharedWire.length);
            final byte[] frame = new byte[Frame.BYTES];
            assertTrue(new SecureFrame().openShared(SecureFrame.key(key), sharedWire, 0, frame, 0));
            final Frame decoded = new Frame();
            assertNull(Frame.decode(frame, decoded));
            assertEquals(11, decoded.payload());

            master.beat(Status.OK, 12);
            final byte[] masterWire = receiver.receive();
            assertEquals(SecureFrame.MASTER_BYTES, masterWire.length);
            final long pid = ProcessHandle.current().pid();
            assertEquals(pid, SecureFrame.clearPid(masterWire, 0));
            assertTrue(new SecureFrame().openMaster(SecureFrame.key(Hkdf.agentKey(key, pid)), masterWire, 0, frame, 0));
            assertNull(Frame.decode(frame, decoded));
            assertEquals(12, decoded.payload());
            assertEquals(pid, decoded.pid());
        }
    }
}
