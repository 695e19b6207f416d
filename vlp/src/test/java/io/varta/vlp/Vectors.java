package io.varta.vlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Reads the project's copy {@code testdata/vlp-test-vectors.json} in place (path from the {@code varta.vectors}
 * system property that Maven sets, else {@code ../testdata/...} relative to the module). Shared with the client's
 * tests through this module's test-jar.
 */
public final class Vectors
{
    private static JsonNode root;

    private Vectors()
    {
    }

    /** @return the parsed vector file */
    public static synchronized JsonNode root()
    {
        if (null == root)
        {
            final Path path = Path.of(System.getProperty("varta.vectors", "../testdata/vlp-test-vectors.json"));
            try
            {
                root = new ObjectMapper().readTree(Files.readString(path));
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException("cannot read vectors at " + path.toAbsolutePath(), e);
            }
        }
        return root;
    }

    /** @return the secure vector with this id ({@code secure_frame_vectors}) */
    public static JsonNode secure(final String id)
    {
        for (final JsonNode v : root().get("secure_frame_vectors"))
        {
            if (id.equals(v.get("id").asText()))
            {
                return v;
            }
        }
        throw new AssertionError("no secure vector " + id);
    }

    /** @return bytes of a hex string */
    public static byte[] hex(final String hex)
    {
        return HexFormat.of().parseHex(hex);
    }

    /** @return bytes of the hex string in {@code field} of {@code v} */
    public static byte[] hex(final JsonNode v, final String field)
    {
        return hex(v.get(field).asText());
    }
}
