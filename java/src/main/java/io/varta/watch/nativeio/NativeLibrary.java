package io.varta.watch.nativeio;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Loads {@code libvarta_watch.so} once per class loader.
 *
 * <p>The system property {@value #OVERRIDE_PROPERTY} may name an absolute path to a prebuilt library.
 * Otherwise the library is copied from {@value #RESOURCE} on the classpath (inside the jar) to a private
 * temp file (owner-only permissions), loaded with {@link System#load(String)} and deleted right after: the
 * mapping stays valid and no copy is left behind, even if the JVM crashes later.
 *
 * <p>Thread-safe and idempotent: any thread may call {@link #ensureLoaded()}.
 */
final class NativeLibrary
{
    /** System property naming a library file to load instead of the bundled one. */
    static final String OVERRIDE_PROPERTY = "varta.native.library";
    /** Classpath location of the bundled library. */
    static final String RESOURCE = "/META-INF/native/linux-x86_64/libvarta_watch.so";

    private static volatile boolean loaded;

    private NativeLibrary()
    {
    }

    /**
     * Loads the library unless this class loader already did. Any thread.
     *
     * @throws UnsatisfiedLinkError if the library is missing or cannot be loaded
     */
    static void ensureLoaded()
    {
        if (loaded)
        {
            return;
        }
        synchronized (NativeLibrary.class)
        {
            if (loaded)
            {
                return;
            }
            final String override = System.getProperty(OVERRIDE_PROPERTY);
            if (override != null && !override.isEmpty())
            {
                System.load(Path.of(override).toAbsolutePath().toString());
            }
            else
            {
                loadBundled();
            }
            loaded = true;
        }
    }

    private static void loadBundled()
    {
        try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE))
        {
            if (in == null)
            {
                throw new UnsatisfiedLinkError("native library not on the classpath: " + RESOURCE
                    + " (set -D" + OVERRIDE_PROPERTY + "=/path/libvarta_watch.so)");
            }
            final Path copy = Files.createTempFile("libvarta_watch-", ".so",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            try
            {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                System.load(copy.toAbsolutePath().toString());
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
}
