package io.varta.watch.nativeio;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads {@code libvarta_watch.so} once per class loader and refuses one that was built for another ring
 * layout.
 *
 * <p>The system property {@value #OVERRIDE_PROPERTY} may name a path to a prebuilt library. Otherwise the
 * library is copied from {@value #RESOURCE} on the classpath (inside the jar) to a private temp file
 * (owner-only permissions), loaded with {@link System#load(String)} and deleted right after: the mapping
 * stays valid and no copy is left behind, even if the JVM crashes later.
 *
 * <p>Right after loading, before anything else calls into the library, it compares the library's
 * {@code VARTA_RING_ABI_VERSION} with {@link RingDescriptor#ABI_VERSION}, then every
 * {@code public static final int} of {@link RingDescriptor} with the library's constant of the same name
 * ({@link NativeConstants}). A mismatch throws an {@link UnsatisfiedLinkError} naming both numbers (or the
 * fields that differ); the library is not used.
 *
 * <p>Thread-safe and idempotent: any thread may call {@link #ensureLoaded()}.
 */
final class NativeLibrary
{
    /** System property naming a library file to load instead of the bundled one. */
    static final String OVERRIDE_PROPERTY = "varta.native.library";
    /** Classpath location of the bundled library. */
    static final String RESOURCE = "/META-INF/native/linux-x86_64/libvarta_watch.so";

    /** Names tried for the private copy before giving up (each clash means another file of that name exists). */
    private static final int MAX_COPY_ATTEMPTS = 100;

    private static volatile Map<String, Integer> constants;
    /** True while this class loads the library (guarded by the class lock). */
    private static boolean loading;

    private NativeLibrary()
    {
    }

    /**
     * Loads and checks the library unless this class loader already did. Called only by the static
     * initialiser of {@link Natives} (everyone else touches {@link Natives#ensureLoaded()}): JNI_OnLoad's
     * FindClass initialises the classes it registers, and for {@link Natives} that is then a no-op on this
     * thread instead of a nested load. So if the check fails, {@link Natives} fails to initialise and no code
     * can reach the refused library through it. Any thread.
     *
     * @throws UnsatisfiedLinkError if the library is missing, cannot be loaded, or was built for another
     *                              ring layout (the message names both versions or the differing fields)
     */
    static void ensureLoaded()
    {
        if (null != constants)
        {
            return;
        }
        synchronized (NativeLibrary.class)
        {
            if (null != constants || loading)
            {
                // loading: JNI_OnLoad looks up each class that owns natives, which runs its static initialiser,
                // which calls back here on this thread (the lock is reentrant); the outer call checks the ABI
                return;
            }
            loading = true;
            try
            {
                loadAndCheck();
            }
            finally
            {
                loading = false;
            }
        }
    }

    /** Loads the library and checks its ABI; called once, under the class lock. */
    private static void loadAndCheck()
    {
        final String override = System.getProperty(OVERRIDE_PROPERTY);
        final String name;
        if (override != null && !override.isEmpty())
        {
            name = Path.of(override).toAbsolutePath().toString();
            load(name);
        }
        else
        {
            name = RESOURCE;
            loadBundled();
        }
        constants = checked(name);
    }

    /** Any thread, after {@link #ensureLoaded()}: the library's constant table. */
    static Map<String, Integer> constants()
    {
        return constants;
    }

    private static void load(final String path)
    {
        try
        {
            System.load(path);
        }
        catch (final LinkageError e) // also NoSuchMethodError: JNI_OnLoad of a library older than the ABI check
        {
            throw new UnsatisfiedLinkError("cannot load native library " + path + " (this build expects ring ABI"
                + " version " + RingDescriptor.ABI_VERSION + "): " + e.getMessage());
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
            final Path copy = createPrivateCopy(in);
            try
            {
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

    /**
     * Copies the library into a new owner-only file in {@code java.io.tmpdir}. The file is created exclusively
     * ({@code O_CREAT|O_EXCL}: an existing file or symlink of that name is never opened), so its name needs to be
     * unique, not secret: no {@code Files.createTempFile}, whose {@link java.security.SecureRandom} names cost
     * a start-up tens of milliseconds of security-provider set-up. A name that is taken is retried with another.
     */
    private static Path createPrivateCopy(final InputStream in) throws IOException
    {
        final Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        final long stamp = System.nanoTime();
        for (int attempt = 0; ; attempt++)
        {
            final Path copy = dir.resolve("libvarta_watch-" + Long.toHexString(stamp) + "-" + attempt + ".so");
            final SeekableByteChannel channel;
            try
            {
                channel = Files.newByteChannel(copy, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            catch (final FileAlreadyExistsException e)
            {
                if (attempt >= MAX_COPY_ATTEMPTS)
                {
                    throw e;
                }
                continue;
            }
            try (OutputStream out = Channels.newOutputStream(channel))
            {
                in.transferTo(out);
            }
            catch (final IOException | RuntimeException e)
            {
                Files.deleteIfExists(copy);
                throw e;
            }
            return copy;
        }
    }

    /** The ABI version, then every RingDescriptor constant by name; returns the whole table. */
    private static Map<String, Integer> checked(final String library)
    {
        final int version = NativeConstants.abiVersion();
        if (RingDescriptor.ABI_VERSION != version)
        {
            throw new UnsatisfiedLinkError("native library " + library + " has ring ABI version " + version
                + ", this build expects ring ABI version " + RingDescriptor.ABI_VERSION
                + " (use the libvarta_watch.so built with this jar)");
        }
        final String[] names = NativeConstants.names();
        final int[] values = NativeConstants.values();
        if (names.length != values.length)
        {
            throw new UnsatisfiedLinkError("native library " + library + ": constant table is inconsistent");
        }
        final Map<String, Integer> table = new HashMap<>();
        for (int i = 0; i < names.length; i++)
        {
            table.put(names[i], values[i]);
        }
        final List<String> differences = new ArrayList<>();
        for (final Field field : RingDescriptor.class.getFields())
        {
            final int modifiers = field.getModifiers();
            if (!Modifier.isStatic(modifiers) || !Modifier.isFinal(modifiers) || int.class != field.getType())
            {
                continue;
            }
            final int expected = intValue(field);
            final Integer actual = table.get(field.getName());
            if (null == actual)
            {
                differences.add(field.getName() + " missing (Java " + expected + ")");
            }
            else if (expected != actual)
            {
                differences.add(field.getName() + " is " + actual + " (Java " + expected + ")");
            }
        }
        if (!differences.isEmpty())
        {
            throw new UnsatisfiedLinkError("native library " + library + " (ring ABI version " + version
                + ") does not match RingDescriptor: " + String.join(", ", differences));
        }
        return Map.copyOf(table);
    }

    private static int intValue(final Field field)
    {
        try
        {
            return field.getInt(null);
        }
        catch (final IllegalAccessException e)
        {
            throw new IllegalStateException(e);
        }
    }
}
