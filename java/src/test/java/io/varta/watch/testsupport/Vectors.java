package io.varta.watch.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Reads the project's copy {@code testdata/vlp-test-vectors.json} in place (path from the {@code varta.vectors}
 * system property that Maven sets, else {@code ../testdata/...} relative to the module).
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

    /** @return bytes of a hex string */
    public static byte[] hex(final String hex)
    {
        return HexFormat.of().parseHex(hex);
    }
}
