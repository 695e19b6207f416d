package io.varta.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the client's own {@code libvarta_client.so} once per class loader, the first time a UDS client connects (UDP
 * clients never load it), and refuses one built for another ABI.
 *
 * <p>The system property {@value #OVERRIDE_PROPERTY} may name a prebuilt library. Otherwise the library is copied from
 * {@value #RESOURCE} inside the client jar to a private temp file (owner-only), loaded with {@link System#load} and
 * deleted at once: the mapping stays, no copy is left behind. Right after loading, its
 * {@code VARTA_CLIENT_ABI_VERSION} must be {@link #ABI_VERSION} and every errno it exports must have the value
 * {@link Errno} gives it; otherwise an {@link UnsatisfiedLinkError} names the difference.
 *
 * <p>Thread-safe and idempotent.
 */
final class ClientNativeLibrary
{
    /** System property naming a library file to load instead of the bundled one. */
    static final String OVERRIDE_PROPERTY = "varta.client.native.library";
    /** Classpath location of the bundled library. */
    static final String RESOURCE = "/META-INF/native/linux-x86_64/libvarta_client.so";
    /** The ABI this Java code speaks ({@code VARTA_CLIENT_ABI_VERSION} in {@code client/native/src/uds_send.h}). */
    static final int ABI_VERSION = 1;

    private static volatile boolean loaded;

    private ClientNativeLibrary()
    {
    }

    /**
     * Loads and checks the library unless this class loader already did.
     *
     * @throws UnsatisfiedLinkError if it is missing, cannot be loaded, or disagrees with this code
     */
    static void ensureLoaded()
    {
        if (loaded)
        {
            return;
        }
        synchronized (ClientNativeLibrary.class)
        {
            if (loaded)
            {
                return;
            }
            final String override = System.getProperty(OVERRIDE_PROPERTY);
            final String name;
            if (null != override && !override.isEmpty())
            {
                name = Path.of(override).toAbsolutePath().toString();
                load(name);
            }
            else
            {
                name = RESOURCE;
                loadBundled();
            }
            check(name);
            loaded = true;
        }
    }

    private static void load(final String path)
    {
        try
        {
            System.load(path);
        }
        catch (final LinkageError e)
        {
            throw new UnsatisfiedLinkError("cannot load the varta client's native library " + path + ": "
                + e.getMessage());
        }
    }

    private static void loadBundled()
    {
        try (InputStream in = ClientNativeLibrary.class.getResourceAsStream(RESOURCE))
        {
            if (null == in)
            {
                throw new UnsatisfiedLinkError("the varta client's native library is not on the class path: " + RESOURCE
                    + " (linux-x86_64 only; set -D" + OVERRIDE_PROPERTY + "=/path/libvarta_client.so, or use UDP)");
            }
            final Path copy = Files.createTempFile("libvarta_client-", ".so",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            try
            {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                load(copy.toAbsolutePath().toString());
            }
            finally
            {
                Files.deleteIfExists(copy);
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot extract " + RESOURCE, e);
        }
    }

    private static void check(final String library)
    {
        final int version = UdsNatives.abiVersion();
        if (ABI_VERSION != version)
        {
            throw new UnsatisfiedLinkError("the varta client's native library " + library + " has ABI version " + version
                + ", this client expects " + ABI_VERSION + " (use the libvarta_client.so of this client jar)");
        }
        final String[] names = UdsNatives.errnoNames();
        final int[] values = UdsNatives.errnoValues();
        final List<String> differences = new ArrayList<>();
        for (int i = 0; i < names.length; i++)
        {
            final int expected = Errno.valueOf(names[i]);
            if (expected != values[i])
            {
                differences.add(names[i] + " is " + values[i] + " (Java " + expected + ")");
            }
        }
        if (!differences.isEmpty())
        {
            throw new UnsatisfiedLinkError("the varta client's native library " + library
                + " disagrees with io.varta.client.Errno: " + String.join(", ", differences));
        }
    }
}
