package io.varta.watch.ingress;

import io.varta.watch.files.PrivateFile;
import io.varta.watch.nativeio.NativeConstants;
import io.varta.watch.nativeio.NativeIoException;
import io.varta.watch.nativeio.Natives;
import io.varta.watch.nativeio.PathBytes;
import io.varta.watch.nativeio.SecureUdpNatives;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The keys of a secure UDP listener, held in native memory only: the key files are opened, checked and parsed by
 * the native library ({@code secure_keys.c}: not a symlink, a regular file, mode 0600 or stricter, owned by the
 * observer's real uid; trimmed lines, blank and {@code #} lines skipped, 64 hex digits per key) and the key bytes
 * never reach the Java heap; Java only learns how many keys there are. {@link #close()} wipes them.
 *
 * <ul>
 *   <li>{@code --key-file}: exactly one shared key (tried first);</li>
 *   <li>{@code --accepted-key-file}: one or more shared keys, for rotation;</li>
 *   <li>{@code --master-key-file}: exactly one master key; a key per agent is derived from it (HKDF-SHA256) for
 *       64-byte datagrams.</li>
 * </ul>
 * At most {@code KEYS_MAX_SHARED} (16) shared keys; every key is tried on every datagram.
 *
 * <p>libcrypto ({@code libcrypto.so.3}, OpenSSL 3) is resolved when the first key set is loaded, never before: a
 * process without keys runs without OpenSSL. The system property {@value #LIBCRYPTO_PROPERTY} names another
 * library (a path or soname).
 *
 * <p>Failures are {@link NativeIoException}s whose messages name the file and the problem:
 * <pre>
 * PATH: insecure permissions 644 (must be 0600 or stricter)     (and the other private-file rules)
 * PATH: line 3: invalid key length 63 (expected 64 hex characters)
 * PATH: line 1: invalid hex character at column 17
 * PATH: no key found (expected one key of 64 hex characters per line)
 * PATH: expected exactly one key, found 2
 * cannot load libcrypto.so.3 (OpenSSL 3), needed for secure UDP (--key-file, ...): libcrypto.so.3: cannot open ...
 * </pre>
 *
 * <p>Threading: {@link #load} on any thread; {@link #attempts()} on any thread (the observer thread reads it every
 * iteration); {@link #close()} once the receiver that used the keys has stopped. Attempts read after close return
 * the last value.
 */
public final class SecureUdpKeys implements AutoCloseable
{
    /** System property naming the libcrypto to load instead of {@code libcrypto.so.3}. */
    public static final String LIBCRYPTO_PROPERTY = "varta.libcrypto";
    /** The library secure UDP needs. */
    public static final String LIBCRYPTO = "libcrypto.so.3";

    private static final int KEY_FILE_PRIMARY = NativeConstants.value("KEY_FILE_PRIMARY");
    private static final int KEY_FILE_ACCEPTED = NativeConstants.value("KEY_FILE_ACCEPTED");
    private static final int KEY_FILE_MASTER = NativeConstants.value("KEY_FILE_MASTER");
    private static final int KEYS_MAX_SHARED = NativeConstants.value("KEYS_MAX_SHARED");
    private static final int ERR_LENGTH = NativeConstants.value("KEY_ERR_LENGTH");
    private static final int ERR_CHARACTER = NativeConstants.value("KEY_ERR_CHARACTER");
    private static final int ERR_NONE = NativeConstants.value("KEY_ERR_NONE");
    private static final int ERR_COUNT = NativeConstants.value("KEY_ERR_COUNT");
    private static final int ERR_TOO_MANY = NativeConstants.value("KEY_ERR_TOO_MANY");

    private long handle;
    private long lastAttempts;
    private final int sharedKeys;
    private final boolean masterKey;

    private SecureUdpKeys(final long handle, final int sharedKeys, final boolean masterKey)
    {
        this.handle = handle;
        this.sharedKeys = sharedKeys;
        this.masterKey = masterKey;
    }

    /**
     * Resolves libcrypto (once per process) and reads the key files given. Any thread.
     *
     * @param keyFile {@code --key-file}
     * @param acceptedKeyFile {@code --accepted-key-file}
     * @param masterKeyFile {@code --master-key-file}
     * @param restartGapNanos the replay table's session-restart gap ({@code --threshold-ms})
     * @return the loaded keys (at least one)
     * @throws NativeIoException naming the library that cannot be loaded, or the file and what is wrong with it
     * @throws IllegalArgumentException if no file is given
     */
    public static SecureUdpKeys load(final Optional<PathBytes> keyFile, final Optional<PathBytes> acceptedKeyFile,
        final Optional<PathBytes> masterKeyFile, final long restartGapNanos) throws NativeIoException
    {
        if (keyFile.isEmpty() && acceptedKeyFile.isEmpty() && masterKeyFile.isEmpty())
        {
            throw new IllegalArgumentException("no key file");
        }
        loadCrypto();
        final long handle = SecureUdpNatives.keysNew(restartGapNanos);
        if (handle < 0)
        {
            throw new NativeIoException("cannot allocate the secure UDP key set: " + Natives.strerror((int)-handle),
                (int)-handle);
        }
        try
        {
            final int primary = keyFile.isPresent() ? add(handle, keyFile.get(), KEY_FILE_PRIMARY) : 0;
            final int accepted = acceptedKeyFile.isPresent() ? add(handle, acceptedKeyFile.get(), KEY_FILE_ACCEPTED) : 0;
            final int master = masterKeyFile.isPresent() ? add(handle, masterKeyFile.get(), KEY_FILE_MASTER) : 0;
            return new SecureUdpKeys(handle, primary + accepted, master > 0);
        }
        catch (final NativeIoException | RuntimeException e)
        {
            SecureUdpNatives.keysFree(handle);
            throw e;
        }
    }

    /** Resolves libcrypto ({@value #LIBCRYPTO} or the {@value #LIBCRYPTO_PROPERTY} property's library). */
    private static void loadCrypto() throws NativeIoException
    {
        final String library = System.getProperty(LIBCRYPTO_PROPERTY, LIBCRYPTO);
        final String[] why = new String[1];
        final int rc = SecureUdpNatives.cryptoLoad(library.getBytes(StandardCharsets.UTF_8), why);
        if (rc != 0)
        {
            throw new NativeIoException("cannot load " + library + " (OpenSSL 3), needed for secure UDP (--key-file,"
                + " --accepted-key-file, --master-key-file): " + (null == why[0] ? "error " + rc : why[0]), 0);
        }
    }

    private static int add(final long handle, final PathBytes path, final int kind) throws NativeIoException
    {
        final long[] detail = new long[SecureUdpNatives.DETAIL_LONGS];
        final int rc = SecureUdpNatives.keysAddFile(handle, path.bytes(), kind, Natives.realUid(), detail);
        if (rc >= 0)
        {
            return rc;
        }
        if (ERR_LENGTH == rc)
        {
            throw new NativeIoException(path + ": line " + detail[0] + ": invalid key length " + detail[1]
                + " (expected 64 hex characters)", 0);
        }
        if (ERR_CHARACTER == rc)
        {
            throw new NativeIoException(path + ": line " + detail[0] + ": invalid hex character at column "
                + detail[1], 0);
        }
        if (ERR_NONE == rc)
        {
            throw new NativeIoException(path + ": no key found (expected one key of 64 hex characters per line)", 0);
        }
        if (ERR_COUNT == rc)
        {
            throw new NativeIoException(path + ": expected exactly one key, found " + detail[1], 0);
        }
        if (ERR_TOO_MANY == rc)
        {
            throw new NativeIoException(path + ": too many keys: " + detail[1] + " shared keys with --key-file and"
                + " --accepted-key-file together, at most " + KEYS_MAX_SHARED, 0);
        }
        throw PrivateFile.secretFailure(path, rc, detail[2], detail[3], detail[4]);
    }

    /** @return shared keys loaded ({@code --key-file} and {@code --accepted-key-file}); any thread */
    public int sharedKeys()
    {
        return sharedKeys;
    }

    /** @return whether a master key is loaded; any thread */
    public boolean hasMasterKey()
    {
        return masterKey;
    }

    /** @return the native key set; 0 once closed; any thread */
    synchronized long handle()
    {
        return handle;
    }

    /** @return AEAD trials made with these keys so far (the last value once closed); any thread, no allocation */
    public synchronized long attempts()
    {
        if (0 != handle)
        {
            lastAttempts = SecureUdpNatives.keysAttempts(handle);
        }
        return lastAttempts;
    }

    /** Wipes and frees the native keys. Idempotent; any thread, after the receiver that used them stopped. */
    @Override
    public synchronized void close()
    {
        if (0 != handle)
        {
            lastAttempts = SecureUdpNatives.keysAttempts(handle);
            SecureUdpNatives.keysFree(handle);
            handle = 0;
        }
    }
}
