package io.varta.vlp;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import javax.crypto.SecretKey;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The secure vectors of vlp-test-vectors.json through {@link SecureFrame} and {@link Hkdf}, sealed and opened. */
class SecureFrameTest
{
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void sharedKeySealIsTheVectorAndOpensBack()
    {
        final JsonNode v = Vectors.secure("secure-shared-key-seal");
        final SecretKey key = SecureFrame.key(Vectors.hex(v, "key_hex"));
        final byte[] plain = Vectors.hex(v, "plaintext_hex");
        final byte[] wire = new byte[3 + SecureFrame.SHARED_BYTES];
        new SecureFrame().sealShared(key, Vectors.hex(v, "iv_random_hex"), v.get("iv_counter").asInt(), plain, 0, wire,
            3);
        assertEquals(v.get("expected_wire_hex").asText(), HEX.formatHex(wire, 3, wire.length));

        final byte[] opened = new byte[Frame.BYTES];
        assertTrue(new SecureFrame().openShared(key, wire, 3, opened, 0));
        assertArrayEquals(plain, opened);
        final Frame frame = new Frame();
        assertNull(Frame.decode(opened, frame));
        assertEquals(2, frame.pid());
    }

    @Test
    void masterKeySealIsTheVectorAndOpensBack()
    {
        final JsonNode v = Vectors.secure("secure-master-key-seal");
        final long pid = v.get("agent_pid").asLong();
        final byte[] agentKey = Hkdf.agentKey(Vectors.hex(v, "master_key_hex"), pid);
        assertEquals(v.get("derived_agent_key_hex").asText(), HEX.formatHex(agentKey));
        final byte[] plain = Vectors.hex(v, "plaintext_hex");
        final byte[] wire = new byte[SecureFrame.MASTER_BYTES];
        new SecureFrame().sealMaster(SecureFrame.key(agentKey), pid, Vectors.hex(v, "iv_random_hex"),
            v.get("iv_counter").asInt(), plain, 0, wire, 0);
        assertEquals(v.get("expected_wire_hex").asText(), HEX.formatHex(wire));

        assertEquals(pid, SecureFrame.clearPid(wire, 0));
        final byte[] opened = new byte[Frame.BYTES];
        assertTrue(new SecureFrame().openMaster(SecureFrame.key(agentKey), wire, 0, opened, 0));
        assertArrayEquals(plain, opened);
    }

    @Test
    void aFlippedBitOrAnotherKeyDoesNotOpen()
    {
        final JsonNode v = Vectors.secure("secure-shared-key-seal");
        final byte[] wire = Vectors.hex(v, "expected_wire_hex");
        final SecretKey key = SecureFrame.key(Vectors.hex(v, "key_hex"));
        final byte[] out = new byte[Frame.BYTES];
        for (final int at : new int[] {0, 8, 12, 43, 44, 59})
        {
            final byte[] bad = wire.clone();
            bad[at] ^= 1;
            assertFalse(new SecureFrame().openShared(key, bad, 0, out, 0), "flipped byte " + at);
        }
        final byte[] other = new byte[SecureFrame.KEY_BYTES];
        Arrays.fill(other, (byte)7);
        assertFalse(new SecureFrame().openShared(SecureFrame.key(other), wire, 0, out, 0));
    }

    @Test
    void aMasterKeyFrameWhoseInnerPidIsNotTheClearPidIsRefused()
    {
        final JsonNode v = Vectors.secure("secure-master-key-seal");
        final byte[] master = Vectors.hex(v, "master_key_hex");
        // pid 3 claimed in the clear, sealed with pid 3's key, but the frame inside says pid 2
        final SecretKey key3 = SecureFrame.key(Hkdf.agentKey(master, 3));
        final byte[] wire = new byte[SecureFrame.MASTER_BYTES];
        new SecureFrame().sealMaster(key3, 3, Vectors.hex(v, "iv_random_hex"), 0, Vectors.hex(v, "plaintext_hex"), 0,
            wire, 0);
        assertFalse(new SecureFrame().openMaster(key3, wire, 0, new byte[Frame.BYTES], 0));
    }

    @Test
    void kdfVectorsAndTheWireFormatsCheckValues()
    {
        final JsonNode agent = Vectors.secure("kdf-agent-key");
        assertArrayEquals(Vectors.hex(agent, "info_hex"), Hkdf.agentInfo(agent.get("agent_id").asLong()));
        assertEquals(agent.get("expected_okm_hex").asText(),
            HEX.formatHex(Hkdf.agentKey(Vectors.hex(agent, "master_key_hex"), agent.get("agent_id").asLong())));

        final JsonNode prefix = Vectors.secure("kdf-iv-prefix");
        assertArrayEquals(Vectors.hex(prefix, "info_hex"), Hkdf.ivPrefixInfo(prefix.get("prefix_index").asLong()));
        assertEquals(prefix.get("expected_iv_prefix_hex").asText(), HEX.formatHex(
            Hkdf.ivPrefix(Vectors.hex(prefix, "session_salt_hex"), prefix.get("prefix_index").asLong())),
            "empty extract salt, although the vector's description says otherwise (VLP v0.2 wire format §12.2)");

        final JsonNode epoch = Vectors.secure("kdf-epoch-key");
        assertEquals(epoch.get("expected_okm_hex").asText(),
            HEX.formatHex(Hkdf.derive(Vectors.hex(epoch, "agent_key_hex"), Vectors.hex(epoch, "info_hex"), 32)));

        final byte[] master = new byte[32];
        for (int i = 0; i < 32; i++)
        {
            master[i] = (byte)i;
        }
        assertEquals("61f5951b2bf1905d5053df0abb027002cba62da1f16d93c6552ff61cb65f2599",
            HEX.formatHex(Hkdf.agentKey(master, 42)));
        assertEquals("db292f5843a0737aec785a9df270561b343d06e5fe8f89fce72f0869ba77afd5",
            HEX.formatHex(Hkdf.agentKey(master, 2)));
    }

    @Test
    void longerOutputsFollowRfc5869()
    {
        // RFC 5869 test case 3 (SHA-256, empty salt, empty info, L = 42)
        final byte[] ikm = new byte[22];
        Arrays.fill(ikm, (byte)0x0b);
        assertEquals("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
            HEX.formatHex(Hkdf.derive(ikm, new byte[0], 42)));
    }
}
