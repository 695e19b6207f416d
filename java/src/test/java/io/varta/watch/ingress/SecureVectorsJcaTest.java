package io.varta.watch.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import io.varta.watch.testsupport.Vectors;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The five secure vectors of vlp-test-vectors.json and the HKDF check values of vlp-wire-format.md §8.4,
 * re-derived with the JDK's own ChaCha20-Poly1305 and HmacSHA256, independent of the native libcrypto path the
 * observer uses (test_secure.c checks that one against the same vectors): if both agree with the vectors, the
 * observer and a JCA-based agent agree with each other.
 */
class SecureVectorsJcaTest
{
    private static final HexFormat HEX = HexFormat.of();

    /** RFC 5869 HKDF-SHA256 with an empty salt (HashLen zero bytes), L <= 32: one expand block. */
    private static byte[] hkdf(final byte[] ikm, final byte[] info, final int length) throws Exception
    {
        final Mac extract = Mac.getInstance("HmacSHA256");
        extract.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
        final byte[] prk = extract.doFinal(ikm);
        final Mac expand = Mac.getInstance("HmacSHA256");
        expand.init(new SecretKeySpec(prk, "HmacSHA256"));
        expand.update(info);
        expand.update((byte)1);
        return Arrays.copyOf(expand.doFinal(), length);
    }

    private static byte[] agentInfo(final long pid)
    {
        final byte[] prefix = "varta-agent-v1\0".getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(prefix.length + 4).order(ByteOrder.LITTLE_ENDIAN).put(prefix).putInt((int)pid)
            .array();
    }

    private static byte[] seal(final byte[] key, final byte[] nonce, final byte[] aad, final byte[] plaintext)
        throws Exception
    {
        final Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        if (aad.length > 0)
        {
            cipher.updateAAD(aad);
        }
        return cipher.doFinal(plaintext); // ciphertext || tag
    }

    private static byte[] nonce(final byte[] ivRandom, final long counter)
    {
        return ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).put(ivRandom).putInt((int)counter).array();
    }

    private static JsonNode vector(final String id)
    {
        for (final JsonNode v : Vectors.root().get("secure_frame_vectors"))
        {
            if (id.equals(v.get("id").asText()))
            {
                return v;
            }
        }
        throw new AssertionError("no vector " + id);
    }

    private static byte[] hex(final JsonNode v, final String field)
    {
        return HEX.parseHex(v.get(field).asText());
    }

    @Test
    void sharedKeySealMatchesTheVector() throws Exception
    {
        final JsonNode v = vector("secure-shared-key-seal");
        final byte[] nonce = nonce(hex(v, "iv_random_hex"), v.get("iv_counter").asLong());
        final byte[] sealed = seal(hex(v, "key_hex"), nonce, new byte[0], hex(v, "plaintext_hex"));
        final byte[] wire = ByteBuffer.allocate(60).put(nonce).put(sealed).array();
        assertEquals(v.get("expected_wire_hex").asText(), HEX.formatHex(wire));
    }

    @Test
    void masterKeySealMatchesTheVector() throws Exception
    {
        final JsonNode v = vector("secure-master-key-seal");
        final long pid = v.get("agent_pid").asLong();
        final byte[] agentKey = hkdf(hex(v, "master_key_hex"), agentInfo(pid), 32);
        assertEquals(v.get("derived_agent_key_hex").asText(), HEX.formatHex(agentKey));
        final byte[] clearPid = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int)pid).array();
        final byte[] nonce = nonce(hex(v, "iv_random_hex"), v.get("iv_counter").asLong());
        final byte[] sealed = seal(agentKey, nonce, clearPid, hex(v, "plaintext_hex"));
        final byte[] wire = ByteBuffer.allocate(64).put(clearPid).put(nonce).put(sealed).array();
        assertEquals(v.get("expected_wire_hex").asText(), HEX.formatHex(wire));
    }

    @Test
    void kdfVectorsMatch() throws Exception
    {
        final JsonNode agent = vector("kdf-agent-key");
        assertArrayEquals(hex(agent, "info_hex"), agentInfo(agent.get("agent_id").asLong()));
        assertEquals(agent.get("expected_okm_hex").asText(),
            HEX.formatHex(hkdf(hex(agent, "master_key_hex"), hex(agent, "info_hex"), 32)));
        final JsonNode prefix = vector("kdf-iv-prefix");
        assertEquals(prefix.get("expected_iv_prefix_hex").asText(),
            HEX.formatHex(hkdf(hex(prefix, "session_salt_hex"), hex(prefix, "info_hex"), 8)),
            "empty salt, although the vector's description says otherwise (vlp-wire-format.md §12.2)");
        final JsonNode epoch = vector("kdf-epoch-key");
        assertEquals(epoch.get("expected_okm_hex").asText(),
            HEX.formatHex(hkdf(hex(epoch, "agent_key_hex"), hex(epoch, "info_hex"), 32)));
    }

    @Test
    void hkdfCheckValuesOfTheWireFormat() throws Exception
    {
        final byte[] master = new byte[32];
        for (int i = 0; i < 32; i++)
        {
            master[i] = (byte)i;
        }
        assertEquals("76617274612d6167656e742d7631002a000000", HEX.formatHex(agentInfo(42)));
        assertEquals("61f5951b2bf1905d5053df0abb027002cba62da1f16d93c6552ff61cb65f2599",
            HEX.formatHex(hkdf(master, agentInfo(42), 32)));
        assertEquals("db292f5843a0737aec785a9df270561b343d06e5fe8f89fce72f0869ba77afd5",
            HEX.formatHex(hkdf(master, agentInfo(2), 32)));
    }
}
